// An AuthZEN evaluation in a general namespace → the Cedar request the general engine evaluates
// (mapping in docs/authzen-pdp-plan.md §2):
//   principal  <Ns>::<subject.type>::"<subject.id>"     resource  <Ns>::<resource.type>::"<resource.id>"
//   action     <Ns>::Action::"<action.name>"              context   see coerceContext (coerce.ts)
// Entity attributes: the stored ones, overridden attribute by attribute by the request's
// properties ("request over store"); parents come from the store only. An id the store does not
// hold is evaluated with its request properties alone, as an entity without parents.
import type { CedarValueJson, EntityJson } from "@cedar-policy/cedar-wasm/nodejs";
import type { CoreRequest } from "../cedar/sliced-core";
import { uidKey, type Uid } from "../cedar/schema";
import { coerceContext, coerceProperties, defineKey, isPlainObject, type CedarRecord, type CoerceIssue } from "./coerce";
import { splitQualified, type SchemaModel } from "./schema-model";

/** A stored entity: coerced Cedar JSON attributes, direct parents with qualified types. */
export type StoredEntity = { properties: CedarRecord; parents: readonly Uid[] };

/** What request building needs from the entity store; a later step supplies the real index. */
export interface EntityLookup {
  /** `type` is the short name inside `ns` (the AuthZEN type). */
  get(ns: string, type: string, id: string): StoredEntity | undefined;
  /** Every ancestor of `uid` (qualified type), transitively, without `uid`; cycles are cut. */
  ancestors(uid: Uid): readonly Uid[];
}

export type EntityRefInput = { type: string; id: string; properties?: unknown };
export type GeneralItem = {
  namespace: string;
  subject: EntityRefInput;
  action: { name: string; properties?: unknown };
  resource: EntityRefInput;
  context?: unknown;
};

/** An entity as the request sees it: merged attributes and its whole ancestry. */
export type ResolvedEntity = { uid: Uid; attrs: CedarRecord; ancestors: readonly Uid[] };
export type GeneralRequest = {
  namespace: string;
  principal: ResolvedEntity;
  action: Uid;
  resource: ResolvedEntity;
  context: CedarRecord;
  /** Entities that attributes point at (`resource.owner`), from the store, for `.attr` and `in`. */
  related: readonly ResolvedEntity[];
};

export type ResolveResult = { ok: true; request: GeneralRequest; dropped: string[] } | { ok: false; issues: CoerceIssue[]; dropped: string[] };

/** Entities followed through attributes, per request: bounded, so a dense graph costs a fixed amount. */
export const RELATED_MAX = 64;

/**
 * Checks and merges an evaluation. Issues (unknown type or action, a declared attribute of the
 * wrong type, an action that does not apply to these types) are the caller's 400; `dropped`
 * lists the undeclared properties that were ignored.
 */
export function resolveGeneralRequest(model: SchemaModel, entities: EntityLookup, item: GeneralItem): ResolveResult {
  const ns = item.namespace;
  const space = model.namespaces.get(ns);
  const issues: CoerceIssue[] = [];
  const dropped: string[] = [];
  if (!space) return { ok: false, issues: [{ path: "", code: "unknown_type", message: `no namespace ${ns} in the schema` }], dropped };
  const action = space.actions.get(item.action.name);
  if (!action) issues.push({ path: "action.name", code: "unknown_action", message: `no action ${JSON.stringify(item.action.name)} in namespace ${ns}` });

  const side = (ref: EntityRefInput, where: "subject" | "resource"): ResolvedEntity | undefined => {
    const et = space.types.get(ref.type);
    if (!et) {
      issues.push({ path: `${where}.type`, code: "unknown_type", message: `no entity type ${JSON.stringify(ref.type)} in namespace ${ns}` });
      return undefined;
    }
    if (et.enumIds && !et.enumIds.includes(ref.id)) {
      issues.push({ path: `${where}.id`, code: "wrong_type", message: `${ref.type} has only the ids ${et.enumIds.join(", ")}` });
      return undefined;
    }
    const given = coerceProperties(model, ns, ref.type, ref.properties, "request");
    issues.push(...given.issues.map((i) => ({ ...i, path: join(`${where}.properties`, i.path) })));
    dropped.push(...given.dropped.map((p) => `${where}.properties.${p}`));
    const stored = entities.get(ns, ref.type, ref.id);
    const uid = { type: et.qualified, id: ref.id };
    // Request over store, attribute by attribute; an unknown id has no parents.
    return { uid, attrs: { ...stored?.properties, ...given.value }, ancestors: stored ? entities.ancestors(uid) : [] };
  };
  const principal = side(item.subject, "subject");
  const resource = side(item.resource, "resource");

  let context: CedarRecord = {};
  if (action) {
    if (principal && !action.principals.includes(principal.uid.type)) {
      issues.push({ path: "subject.type", code: "not_applicable", message: `action ${action.name} does not apply to subjects of type ${item.subject.type}` });
    }
    if (resource && !action.resources.includes(resource.uid.type)) {
      issues.push({ path: "resource.type", code: "not_applicable", message: `action ${action.name} does not apply to resources of type ${item.resource.type}` });
    }
    const c = coerceContext(model, ns, action, item.action.properties, item.context);
    issues.push(...c.issues);
    dropped.push(...c.dropped);
    context = c.value;
  }
  if (issues.length || !principal || !resource || !action) return { ok: false, issues, dropped };

  // The same entity on both sides (a user reading their own profile) is one Cedar entity.
  const same = uidKey(principal.uid.type, principal.uid.id) === uidKey(resource.uid.type, resource.uid.id);
  const subject = same ? { ...principal, attrs: { ...principal.attrs, ...resourceOverrides(item, model) } } : principal;
  const object = same ? subject : resource;
  const related = relatedEntities(entities, [subject, object], context);
  return { ok: true, request: { namespace: ns, principal: subject, action: action.uid, resource: object, context, related }, dropped };
}

function resourceOverrides(item: GeneralItem, model: SchemaModel): CedarRecord {
  return coerceProperties(model, item.namespace, item.resource.type, item.resource.properties, "request").value;
}

function join(prefix: string, path: string): string {
  return path ? `${prefix}.${path}` : prefix;
}

/** Entities reached through entity-typed attributes (breadth first, at most RELATED_MAX). */
function relatedEntities(entities: EntityLookup, sides: ResolvedEntity[], context: CedarRecord): ResolvedEntity[] {
  const seen = new Set(sides.map((s) => uidKey(s.uid.type, s.uid.id)));
  const out: ResolvedEntity[] = [];
  const queue: Uid[] = [];
  const collect = (v: CedarValueJson | undefined) => {
    if (Array.isArray(v)) return v.forEach(collect);
    if (!isPlainObject(v)) return;
    const e = (v as { __entity?: Uid }).__entity;
    if (e && typeof e.type === "string" && typeof e.id === "string") queue.push(e);
    else if (!("__extn" in v)) Object.values(v as CedarRecord).forEach(collect);
  };
  for (const s of sides) Object.values(s.attrs).forEach(collect);
  Object.values(context).forEach(collect);
  while (queue.length && out.length < RELATED_MAX) {
    const uid = queue.shift()!;
    const k = uidKey(uid.type, uid.id);
    if (seen.has(k)) continue;
    seen.add(k);
    const [ns, type] = splitQualified(uid.type);
    const stored = entities.get(ns, type, uid.id);
    if (!stored) continue; // Cedar sees an entity it does not hold: `.attr` errors, `in` is false
    const e = { uid, attrs: stored.properties, ancestors: entities.ancestors(uid) };
    out.push(e);
    Object.values(e.attrs).forEach(collect);
  }
  return out;
}

/**
 * The Cedar input. With `uses` (every identifier the evaluating policies write), attributes and
 * context fields nothing names are left out, as for agents (request.ts); entities always stay,
 * since an entity that exists and one that does not answer `has` differently. Parents are the
 * whole ancestry, so Cedar needs no entity for a group to answer `in`.
 */
export function cedarRequestOf(r: GeneralRequest, uses?: ReadonlySet<string>): CoreRequest {
  const keep = (o: CedarRecord): CedarRecord => {
    if (!uses) return o;
    const out: CedarRecord = {};
    for (const k in o) if (uses.has(k)) defineKey(out, k, o[k]);
    return out;
  };
  const entity = (e: ResolvedEntity): EntityJson => ({ uid: e.uid, attrs: keep(e.attrs), parents: [...e.ancestors] });
  const entities = [entity(r.principal)];
  if (r.resource !== r.principal) entities.push(entity(r.resource));
  for (const e of r.related) entities.push(entity(e));
  return { principal: r.principal.uid, action: r.action, resource: r.resource.uid, context: keep(r.context), entities };
}

/** Both steps at once: check and merge the item, then its full Cedar request (no pruning). */
export function toGeneralCedarRequest(
  model: SchemaModel,
  entities: EntityLookup,
  item: GeneralItem,
  uses?: ReadonlySet<string>,
): { ok: true; cedar: CoreRequest; request: GeneralRequest; dropped: string[] } | { ok: false; issues: CoerceIssue[]; dropped: string[] } {
  const resolved = resolveGeneralRequest(model, entities, item);
  if (!resolved.ok) return resolved;
  return { ok: true, cedar: cedarRequestOf(resolved.request, uses), request: resolved.request, dropped: resolved.dropped };
}
