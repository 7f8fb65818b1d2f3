// Policy scopes (the `principal, action, resource` head of a Cedar policy) as data, for slicing:
// the engine hands Cedar only the policies whose scope can match the request. The match below
// follows Cedar's scope semantics exactly for the entity hierarchy Warden sends (agents have no
// parents; a tool's only parent is its connector; actions' groups come from the schema), so the
// slice decides the same as the whole set: conditions (`when` / `unless`) are left to Cedar.
import type { ActionConstraint, EntityUidJson, PolicyJson, PrincipalConstraint, ResourceConstraint } from "@cedar-policy/cedar-wasm/nodejs";
import { uidKey } from "./schema";

export type ScopeTest =
  | { kind: "any" }
  | { kind: "eq"; uid: string }
  | { kind: "in"; uids: string[] } // the request side is, or descends from, one of these
  | { kind: "is"; type: string; in?: string };

export type Scope = { principal: ScopeTest; action: ScopeTest; resource: ScopeTest };

/** One side of a request: its uid, its type and the uids it is `in` (itself and ancestors). */
export type Side = { self: string; type: string; lineage: ReadonlySet<string> };
export type RequestSides = { principal: Side; action: Side; resource: Side };

export function sideOf(type: string, id: string, ancestors: Iterable<string> = []): Side {
  const self = uidKey(type, id);
  return { self, type, lineage: new Set([self, ...ancestors]) };
}

function uid(e: EntityUidJson): string {
  const t = "__entity" in e ? e.__entity : e;
  return uidKey(t.type, t.id);
}

function headTest(c: PrincipalConstraint | ResourceConstraint): ScopeTest {
  switch (c.op) {
    case "==":
      return "entity" in c ? { kind: "eq", uid: uid(c.entity) } : { kind: "any" }; // slots: never compiled
    case "in":
      return "entity" in c ? { kind: "in", uids: [uid(c.entity)] } : { kind: "any" };
    case "is":
      return { kind: "is", type: c.entity_type, ...(c.in && "entity" in c.in ? { in: uid(c.in.entity) } : {}) };
    default:
      return { kind: "any" };
  }
}

function actionTest(c: ActionConstraint): ScopeTest {
  if (c.op === "==") return "entity" in c ? { kind: "eq", uid: uid(c.entity) } : { kind: "any" };
  if (c.op === "in") return { kind: "in", uids: "entity" in c ? [uid(c.entity)] : c.entities.map(uid) };
  return { kind: "any" };
}

export function scopeOf(policy: PolicyJson): Scope {
  return { principal: headTest(policy.principal), action: actionTest(policy.action), resource: headTest(policy.resource) };
}

function test(t: ScopeTest, side: Side): boolean {
  switch (t.kind) {
    case "any":
      return true;
    case "eq":
      return side.self === t.uid;
    case "in":
      return t.uids.some((u) => side.lineage.has(u));
    case "is":
      return side.type === t.type && (t.in === undefined || side.lineage.has(t.in));
  }
}

export function scopeMatches(s: Scope, r: RequestSides): boolean {
  return test(s.resource, r.resource) && test(s.principal, r.principal) && test(s.action, r.action);
}

/**
 * Bucket keys a policy is filed under: a request looks up `requestKeys` and must find every
 * policy whose scope can match it. One dimension is enough (the exact test runs afterwards);
 * the resource is preferred because real policy sets are mostly written per connector.
 * `null` = unconstrained, evaluated for every request.
 */
export function indexKeys(s: Scope, actionLineage: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const head = (prefix: string, t: ScopeTest): string[] | null => {
    if (t.kind === "eq") return [`${prefix}|${t.uid}`];
    if (t.kind === "in") return t.uids.map((u) => `${prefix}|${u}`);
    if (t.kind === "is") return t.in === undefined ? [`${prefix}t|${t.type}`] : [`${prefix}|${t.in}`];
    return null;
  };
  const byResource = head("r", s.resource);
  if (byResource) return byResource;
  const byPrincipal = head("p", s.principal);
  if (byPrincipal) return byPrincipal;
  const a = s.action;
  if (a.kind === "eq") return [`a|${a.uid}`];
  if (a.kind === "in") {
    // Every action that is, or belongs to, one of the listed actions / groups.
    const keys = [...actionLineage].filter(([, lineage]) => a.uids.some((u) => lineage.has(u))).map(([action]) => `a|${action}`);
    return keys.length ? keys : null; // an action the schema does not know: keep it unconstrained
  }
  return null;
}

export function requestKeys(r: RequestSides): string[] {
  const keys: string[] = [];
  for (const u of r.resource.lineage) keys.push(`r|${u}`);
  keys.push(`rt|${r.resource.type}`);
  for (const u of r.principal.lineage) keys.push(`p|${u}`);
  keys.push(`pt|${r.principal.type}`);
  keys.push(`a|${r.action.self}`);
  return keys;
}
