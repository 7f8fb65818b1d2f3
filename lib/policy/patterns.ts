// Action patterns: `connector:tool.operation`, where each of the three parts is a name or `*`,
// and a trailing `*` in a part matches any suffix (`crm:contacts.*`, `github:*`, `*`).
// Names: lower-case letters, digits, `-` and `_` (tools may also contain `/`).
const PART = /^(?:\*|[a-z0-9][a-z0-9_\-/]*\*?)$/;

export type ParsedPattern = { connector: string; tool: string; operation: string };

export function parseActionPattern(pattern: string): ParsedPattern | null {
  if (typeof pattern !== "string" || pattern.length === 0 || pattern.length > 200) return null;
  if (pattern === "*") return { connector: "*", tool: "*", operation: "*" };
  const colon = pattern.indexOf(":");
  if (colon <= 0) return null;
  const connector = pattern.slice(0, colon);
  const rest = pattern.slice(colon + 1);
  let tool: string;
  let operation: string;
  if (rest === "*") {
    tool = "*";
    operation = "*";
  } else {
    const dot = rest.lastIndexOf(".");
    if (dot <= 0) return null;
    tool = rest.slice(0, dot);
    operation = rest.slice(dot + 1);
  }
  if (![connector, tool, operation].every((p) => PART.test(p))) return null;
  return { connector, tool, operation };
}

export function actionPatternError(pattern: string): string | null {
  return parseActionPattern(pattern)
    ? null
    : `"${String(pattern).slice(0, 60)}" is not an action pattern (expected connector:tool.operation, * allowed)`;
}

function partMatches(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/** Does the concrete action `connector:tool.operation` fall under the pattern? */
export function matchesAction(pattern: string, action: ParsedPattern): boolean {
  const p = parseActionPattern(pattern);
  if (!p) return false;
  return partMatches(p.connector, action.connector) && partMatches(p.tool, action.tool) && partMatches(p.operation, action.operation);
}

function partCovers(outer: string, inner: string): boolean {
  if (outer === "*") return true;
  if (outer.endsWith("*")) {
    const prefix = outer.slice(0, -1);
    return inner.startsWith(prefix) && (!inner.endsWith("*") || inner.length - 1 >= prefix.length);
  }
  return outer === inner;
}

/** Is every action the inner pattern allows also allowed by the outer one? */
export function patternCovers(outer: string, inner: string): boolean {
  const o = parseActionPattern(outer);
  const i = parseActionPattern(inner);
  if (!o || !i) return false;
  return partCovers(o.connector, i.connector) && partCovers(o.tool, i.tool) && partCovers(o.operation, i.operation);
}

/** Inner patterns not covered by any outer pattern (an intent leaving its envelope). */
export function uncoveredPatterns(outer: string[], inner: string[]): string[] {
  return inner.filter((i) => !outer.some((o) => patternCovers(o, i)));
}
