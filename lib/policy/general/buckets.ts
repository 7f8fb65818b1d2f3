// Bucket keys for general policies. General sets are written per resource type and per action
// ("members of staff may read records"), so a one-dimensional resource key would put every
// policy about `record` in one bucket, whatever its action. A statement constrained on both
// resource and action is filed under the composite `r|<uid>#a|<action>` (or `rt|<type>#…`); the
// request looks up its resource lineage × its action. Principal × action comes next, then the
// one-dimensional keys, as for agents (scope.ts). `scopeMatches` still runs on every candidate,
// so a key may over-select, never under-select.
import type { RequestSides, Scope, ScopeTest } from "../cedar/scope";

function head(prefix: "r" | "p", t: ScopeTest): string[] | null {
  if (t.kind === "eq") return [`${prefix}|${t.uid}`];
  if (t.kind === "in") return t.uids.map((u) => `${prefix}|${u}`);
  if (t.kind === "is") return t.in === undefined ? [`${prefix}t|${t.type}`] : [`${prefix}|${t.in}`];
  return null;
}

/** Action uid keys a statement applies to: itself, or every member of the named groups. */
function actions(t: ScopeTest, lineage: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  if (t.kind === "eq") return [t.uid];
  if (t.kind !== "in") return null;
  const keys = [...lineage].filter(([, up]) => t.uids.some((u) => up.has(u))).map(([action]) => action);
  return keys.length ? keys : null; // an action the schema does not know: keep it unconstrained
}

const cross = (heads: string[], acts: string[]) => heads.flatMap((h) => acts.map((a) => `${h}#a|${a}`));

export function generalIndexKeys(s: Scope, actionLineage: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const a = actions(s.action, actionLineage);
  const r = head("r", s.resource);
  if (r) return a ? cross(r, a) : r;
  const p = head("p", s.principal);
  if (p) return a ? cross(p, a) : p;
  return a ? a.map((x) => `a|${x}`) : null;
}

export function generalRequestKeys(r: RequestSides): string[] {
  const action = r.action.self;
  const keys: string[] = [];
  const side = (prefix: "r" | "p", lineage: ReadonlySet<string>, type: string) => {
    for (const u of lineage) keys.push(`${prefix}|${u}`, `${prefix}|${u}#a|${action}`);
    keys.push(`${prefix}t|${type}`, `${prefix}t|${type}#a|${action}`);
  };
  side("r", r.resource.lineage, r.resource.type);
  side("p", r.principal.lineage, r.principal.type);
  keys.push(`a|${action}`);
  return keys;
}
