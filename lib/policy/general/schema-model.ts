// The general schema as data: what coercion, request building and the general engine need to
// know about each namespace, read from cedar-wasm's schema JSON (`schemaToJson` of the Cedar
// schema text, the form stored beside each schema version). Type names are resolved here once,
// following Cedar's rules, so nothing downstream meets `EntityOrCommon` or a common type name.
import { schemaToJson, type ActionEntityUID, type SchemaJson, type Type, type TypeOfAttribute } from "@cedar-policy/cedar-wasm/nodejs";
import type { Uid } from "../cedar/schema";

export type ExtensionName = "decimal" | "ipaddr" | "datetime" | "duration";
export type CedarType =
  | { kind: "String" }
  | { kind: "Long" }
  | { kind: "Bool" }
  | { kind: "Set"; element: CedarType }
  | { kind: "Record"; attrs: ReadonlyMap<string, Attr> }
  | { kind: "Entity"; type: string /* qualified, e.g. Certification::user */ }
  | { kind: "Extension"; name: ExtensionName };
export type Attr = { type: CedarType; required: boolean };

export type EntityTypeModel = {
  /** Short name inside its namespace (the AuthZEN `type`), and the qualified Cedar name. */
  name: string;
  qualified: string;
  attrs: ReadonlyMap<string, Attr>;
  /** Qualified types an entity of this type may have as parents (`entity user in [group]`). */
  parents: readonly string[];
  /** `entity Color enum ["red", "green"]`: the only ids there are (no attributes, no parents). */
  enumIds?: readonly string[];
};

export type ActionModel = {
  name: string;
  uid: Uid;
  /** Qualified principal and resource types of `appliesTo` (empty: a group, applies to nothing). */
  principals: readonly string[];
  resources: readonly string[];
  /** The context record's attributes (`context.action` among them when declared). */
  context: ReadonlyMap<string, Attr>;
  /** Every group the action belongs to, transitively. */
  groups: readonly Uid[];
};

export type NamespaceModel = { name: string; types: ReadonlyMap<string, EntityTypeModel>; actions: ReadonlyMap<string, ActionModel> };

export type SchemaModel = {
  namespaces: ReadonlyMap<string, NamespaceModel>;
  /** Every entity type of every namespace, by qualified name (attributes may point across). */
  entityTypes: ReadonlyMap<string, EntityTypeModel>;
  /** The JSON it was built from: policies are validated against it. */
  json: SchemaJson<string>;
};

export type SchemaModelResult = { ok: true; model: SchemaModel } | { ok: false; errors: string[] };

/** The built-in agent model's namespace: general schemas may not declare or extend it. */
export const RESERVED_NAMESPACE = "Warden";
/** Context attributes Warden fills itself: the action's properties, and the approval profile's. */
export const CONTEXT_ACTION = "action";
export const CONTEXT_APPROVAL = "approval";

const EXTENSIONS: ReadonlySet<string> = new Set(["decimal", "ipaddr", "datetime", "duration"]);
const PRIMITIVES: Record<string, CedarType> = { String: { kind: "String" }, Long: { kind: "Long" }, Bool: { kind: "Bool" }, Boolean: { kind: "Bool" } };

export function qualified(ns: string, name: string): string {
  return ns ? `${ns}::${name}` : name;
}

/** `Certification::user` → ["Certification", "user"]; the namespace is everything before the last `::`. */
export function splitQualified(name: string): [ns: string, short: string] {
  const i = name.lastIndexOf("::");
  return i < 0 ? ["", name] : [name.slice(0, i), name.slice(i + 2)];
}

/** Parse Cedar schema text and build its model (tests, scripts; services keep the JSON). */
export function schemaModelFromText(text: string): SchemaModelResult {
  const answer = schemaToJson(text);
  if (answer.type === "failure") return { ok: false, errors: answer.errors.map((e) => e.message) };
  return schemaModel(answer.json);
}

export function schemaModel(json: SchemaJson<string>): SchemaModelResult {
  const errors: string[] = [];
  for (const ns of Object.keys(json)) {
    if (ns === RESERVED_NAMESPACE || ns.startsWith(`${RESERVED_NAMESPACE}::`)) errors.push(`namespace ${ns} is reserved for Warden's built-in agent model`);
    // A PEP client is bound to a named namespace; declarations outside one could not be reached.
    if (ns === "") errors.push("declare every type and action inside a `namespace Name { ... }` block");
    if (ns === "__cedar" || ns.startsWith("__cedar::")) errors.push(`namespace ${ns} is reserved by Cedar`);
  }
  if (errors.length) return { ok: false, errors };

  const resolver = new Resolver(json, errors);
  const entityTypes = new Map<string, EntityTypeModel>();
  const namespaces = new Map<string, NamespaceModel>();
  for (const [ns, def] of Object.entries(json)) {
    const types = new Map<string, EntityTypeModel>();
    for (const [name, et] of Object.entries(def.entityTypes ?? {})) {
      const q = qualified(ns, name);
      let model: EntityTypeModel;
      if ("enum" in et) model = { name, qualified: q, attrs: new Map(), parents: [], enumIds: [...et.enum] };
      else {
        if (et.tags) errors.push(`entity ${q}: entity tags are not supported`);
        const shape = et.shape ? resolver.type(ns, et.shape, `entity ${q}`) : { kind: "Record" as const, attrs: new Map<string, Attr>() };
        if (shape.kind !== "Record") errors.push(`entity ${q}: its shape must be a record`);
        const parents = (et.memberOfTypes ?? []).map((p) => resolver.entityName(ns, p, `entity ${q}`));
        model = { name, qualified: q, attrs: shape.kind === "Record" ? shape.attrs : new Map(), parents };
      }
      types.set(name, model);
      entityTypes.set(q, model);
    }
    namespaces.set(ns, { name: ns, types, actions: new Map() });
  }

  // Actions second: appliesTo names entity types, possibly of a namespace declared later.
  const direct = new Map<string, Uid[]>();
  for (const [ns, def] of Object.entries(json)) {
    const actions = namespaces.get(ns)!.actions as Map<string, ActionModel>;
    for (const [name, a] of Object.entries(def.actions ?? {})) {
      const where = `action ${qualified(ns, "Action")}::${JSON.stringify(name)}`;
      const uid = { type: qualified(ns, "Action"), id: name };
      const applies = a.appliesTo;
      const principals = (applies?.principalTypes ?? []).map((t) => resolver.entityName(ns, t, where));
      const resources = (applies?.resourceTypes ?? []).map((t) => resolver.entityName(ns, t, where));
      let context: ReadonlyMap<string, Attr> = new Map();
      if (applies?.context) {
        const t = resolver.type(ns, applies.context, `${where} context`);
        if (t.kind !== "Record") errors.push(`${where}: its context must be a record`);
        else context = t.attrs;
      }
      if (context.has(CONTEXT_APPROVAL)) errors.push(`${where}: context.${CONTEXT_APPROVAL} is reserved for approvals`);
      const actionType = context.get(CONTEXT_ACTION)?.type;
      if (actionType && actionType.kind !== "Record") errors.push(`${where}: context.${CONTEXT_ACTION} holds the action's properties and must be a record`);
      direct.set(key(uid), (a.memberOf ?? []).map((m: ActionEntityUID<string>) => ({ type: m.type ? resolver.actionType(ns, m.type) : uid.type, id: m.id })));
      actions.set(name, { name, uid, principals, resources, context, groups: [] });
    }
  }
  for (const nsModel of namespaces.values()) {
    const actions = nsModel.actions as Map<string, ActionModel>;
    for (const [name, action] of actions) actions.set(name, { ...action, groups: closure(key(action.uid), direct) });
  }
  if (errors.length) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, model: { namespaces, entityTypes, json } };
}

const key = (u: Uid) => `${u.type}::${JSON.stringify(u.id)}`;

function closure(start: string, direct: ReadonlyMap<string, Uid[]>): Uid[] {
  const out = new Map<string, Uid>();
  const stack = [...(direct.get(start) ?? [])];
  while (stack.length) {
    const u = stack.pop()!;
    const k = key(u);
    if (k === start || out.has(k)) continue; // Cedar refuses cycles; this only guards the walk
    out.set(k, u);
    stack.push(...(direct.get(k) ?? []));
  }
  return [...out.values()];
}

/** Resolves type expressions of one schema document, caching common types by qualified name. */
class Resolver {
  private readonly commons = new Map<string, CedarType>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly json: SchemaJson<string>,
    private readonly errors: string[],
  ) {}

  private hasCommon(q: string): boolean {
    const [ns, name] = splitQualified(q);
    return Object.hasOwn(this.json[ns]?.commonTypes ?? {}, name);
  }

  private hasEntity(q: string): boolean {
    const [ns, name] = splitQualified(q);
    return Object.hasOwn(this.json[ns]?.entityTypes ?? {}, name);
  }

  /** An entity type name as written in namespace `ns` (memberOfTypes, appliesTo, `Entity`). */
  entityName(ns: string, name: string, where: string): string {
    if (name.includes("::")) {
      if (this.hasEntity(name)) return name;
    } else {
      if (this.hasEntity(qualified(ns, name))) return qualified(ns, name);
      if (this.hasEntity(name)) return name;
    }
    this.errors.push(`${where}: unknown entity type ${name}`);
    return name;
  }

  actionType(ns: string, type: string): string {
    return type.includes("::") || !ns ? type : qualified(ns, type);
  }

  /**
   * A name in type position, in Cedar's order: a common type of this namespace, an entity type of
   * it, then the same in the empty namespace, then a built-in (`Bool`, `ipaddr`, ...).
   */
  private named(ns: string, name: string, where: string): CedarType {
    const builtin = name.startsWith("__cedar::") ? name.slice("__cedar::".length) : undefined;
    const candidates = builtin !== undefined ? [] : name.includes("::") ? [name] : [qualified(ns, name), name];
    for (const q of candidates) {
      if (this.hasCommon(q)) return this.common(q, where);
      if (this.hasEntity(q)) return { kind: "Entity", type: q };
    }
    const base = builtin ?? name;
    if (Object.hasOwn(PRIMITIVES, base)) return PRIMITIVES[base];
    if (EXTENSIONS.has(base)) return { kind: "Extension", name: base as ExtensionName };
    this.errors.push(`${where}: unknown type ${name}`);
    return { kind: "String" };
  }

  private common(q: string, where: string): CedarType {
    const done = this.commons.get(q);
    if (done) return done;
    if (this.resolving.has(q)) {
      this.errors.push(`${where}: common type ${q} refers to itself`);
      return { kind: "String" };
    }
    this.resolving.add(q);
    const [ns, name] = splitQualified(q);
    const t = this.type(ns, this.json[ns].commonTypes![name], `type ${q}`);
    this.resolving.delete(q);
    this.commons.set(q, t);
    return t;
  }

  type(ns: string, t: Type<string>, where: string): CedarType {
    const v = t as Type<string> & { type: string; name?: string; element?: Type<string>; attributes?: Record<string, TypeOfAttribute<string>> };
    switch (v.type) {
      case "String":
      case "Long":
      case "Boolean":
        return PRIMITIVES[v.type];
      case "Set":
        return { kind: "Set", element: this.type(ns, v.element!, where) };
      case "Record": {
        const attrs = new Map<string, Attr>();
        for (const [name, a] of Object.entries(v.attributes ?? {})) attrs.set(name, { type: this.type(ns, a, `${where}.${name}`), required: a.required !== false });
        return { kind: "Record", attrs };
      }
      case "Entity":
        return { kind: "Entity", type: this.entityName(ns, v.name!, where) };
      case "Extension":
        if (EXTENSIONS.has(v.name!)) return { kind: "Extension", name: v.name as ExtensionName };
        this.errors.push(`${where}: unknown extension type ${v.name}`);
        return { kind: "String" };
      case "EntityOrCommon":
        return this.named(ns, v.name!, where);
      default:
        // `{ "type": "<common type name>" }`, and the resolved form's `{ "type": "Bool" }`.
        return this.named(ns, v.type, where);
    }
  }
}
