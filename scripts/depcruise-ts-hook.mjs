// ESM half of scripts/depcruise-ts.cjs: dependency-cruiser's `import "typescript"` resolves to
// typescript-api (TypeScript 5.9, which still has a JS compiler API). Nobody else is redirected.
export async function resolve(specifier, context, next) {
  if (/^typescript(\/|$)/.test(specifier) && context.parentURL?.includes("/dependency-cruiser/")) {
    return next(specifier.replace(/^typescript/, "typescript-api"), context);
  }
  return next(specifier, context);
}
