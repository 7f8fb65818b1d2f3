// Preload for dependency-cruiser: the project's TypeScript is 7 (the native compiler), which has
// no JavaScript compiler API, and dependency-cruiser parses .ts through that API. Its imports of
// "typescript" (and only its) are sent to "typescript-api", an npm alias of TypeScript 5.9.
// Usage: node --require ./scripts/depcruise-ts.cjs node_modules/.bin/depcruise ...
const Module = require("node:module");
const { pathToFileURL } = require("node:url");

const fromCruiser = (p) => typeof p === "string" && p.includes("/dependency-cruiser/");

// CommonJS require() calls.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (/^typescript(\/|$)/.test(request) && fromCruiser(parent?.filename)) request = request.replace(/^typescript/, "typescript-api");
  return resolveFilename.call(this, request, parent, ...rest);
};

// ESM imports (dependency-cruiser 17 is ESM): the same redirect as a resolve hook.
Module.register("./depcruise-ts-hook.mjs", pathToFileURL(__filename));
