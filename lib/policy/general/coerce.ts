// JSON from a PEP or an administrator → Cedar JSON, driven by the declared type of each attribute.
// Nothing is guessed from the value: a string is a String unless the schema says entity, decimal
// or ipaddr. Coercion is idempotent (Cedar JSON's `__entity` / `__extn` forms are accepted where
// they fit), so stored entities can be checked again when the schema changes.
//
// Modes: `request` (AuthZEN properties) drops undeclared attributes, since PEPs send whatever they
// hold (the certification sends `department`, `owner`, `method` and expects an answer), and
// request properties are partial: they override stored attributes one by one. `store` (the
// entity store) refuses undeclared attributes and requires the required ones.
import type { CedarValueJson } from "@cedar-policy/cedar-wasm/nodejs";
import { CONTEXT_ACTION, CONTEXT_APPROVAL, qualified, type ActionModel, type Attr, type CedarType, type ExtensionName, type SchemaModel } from "./schema-model";

export type CoerceMode = "request" | "store";
export type IssueCode = "unknown_type" | "unknown_action" | "wrong_type" | "undeclared" | "missing" | "too_deep" | "too_large" | "not_applicable";
/** `path` is dotted from the properties object (`tags[3]`, `meta.level`); the caller prefixes it. */
export type CoerceIssue = { path: string; code: IssueCode; message: string };
export type CedarRecord = Record<string, CedarValueJson>;
export type Coerced = { value: CedarRecord; issues: CoerceIssue[]; dropped: string[] };

/** Deepest nesting of sets and records inside an attribute value (the attribute itself is 1). */
export const MAX_DEPTH = 8;
export const MAX_SET = 1_000;

type Walk = { mode: CoerceMode; ns: string; model: SchemaModel; issues: CoerceIssue[]; dropped: string[] };

/** The attributes of an entity of type `type` (short name inside `ns`). */
export function coerceProperties(model: SchemaModel, ns: string, type: string, props: unknown, mode: CoerceMode): Coerced {
  const w: Walk = { mode, ns, model, issues: [], dropped: [] };
  const et = model.namespaces.get(ns)?.types.get(type);
  if (!et) return { value: {}, issues: [{ path: "", code: "unknown_type", message: `no entity type ${type} in namespace ${ns}` }], dropped: [] };
  // Request properties are a partial override of the stored ones: a missing required one is fine.
  const value = record(et.attrs, props ?? {}, "", 0, w, mode === "store");
  return { value: value ?? {}, issues: w.issues, dropped: w.dropped };
}

/**
 * The Cedar context of a request: the action's properties become `context.action` (when the
 * action declares it), the AuthZEN context keys the other declared attributes. The AuthZEN keys
 * `action` and `approval` never reach Cedar this way: one is filled from the action, the other is
 * the approval profile's, read by the caller.
 */
export function coerceContext(model: SchemaModel, ns: string, action: ActionModel, actionProps: unknown, context: unknown): Coerced {
  const w: Walk = { mode: "request", ns, model, issues: [], dropped: [] };
  const declared = new Map(action.context);
  const actionAttr = declared.get(CONTEXT_ACTION);
  declared.delete(CONTEXT_ACTION);
  const input: Record<string, unknown> = {};
  if (context !== undefined && context !== null) {
    if (!isPlainObject(context)) w.issues.push({ path: "context", code: "wrong_type", message: "context must be an object" });
    else
      for (const k of Object.keys(context)) {
        if (k === CONTEXT_ACTION || k === CONTEXT_APPROVAL) continue; // reserved: see above
        defineKey(input, k, context[k]);
      }
  }
  const value = record(declared, input, "context", 0, w, true) ?? {};
  if (actionAttr) {
    // schemaModel guarantees a record here; absent properties are an empty record.
    const attrsOf = actionAttr.type.kind === "Record" ? actionAttr.type.attrs : new Map<string, Attr>();
    const coerced = record(attrsOf, actionProps ?? {}, "action.properties", 1, w, true);
    if (coerced !== undefined) defineKey<CedarValueJson>(value, CONTEXT_ACTION, coerced);
  } else if (isPlainObject(actionProps)) {
    for (const k of Object.keys(actionProps)) w.dropped.push(`action.properties.${k}`);
  }
  return { value, issues: w.issues, dropped: w.dropped };
}

function record(attrs: ReadonlyMap<string, Attr>, input: unknown, path: string, depth: number, w: Walk, requireAll: boolean): CedarRecord | undefined {
  if (!isPlainObject(input)) {
    w.issues.push({ path, code: "wrong_type", message: `${path || "properties"} must be an object` });
    return undefined;
  }
  const out: CedarRecord = {};
  for (const k of Object.keys(input)) {
    const p = path ? `${path}.${k}` : k;
    const attr = attrs.get(k);
    if (!attr) {
      if (w.mode === "store") w.issues.push({ path: p, code: "undeclared", message: `${p} is not declared in the schema` });
      else w.dropped.push(p);
      continue;
    }
    const v = value(attr.type, input[k], p, depth + 1, w);
    if (v !== undefined) defineKey(out, k, v);
  }
  if (requireAll) {
    for (const [k, attr] of attrs) {
      if (attr.required && !Object.hasOwn(input, k)) {
        const p = path ? `${path}.${k}` : k;
        w.issues.push({ path: p, code: "missing", message: `${p} is required` });
      }
    }
  }
  return out;
}

function value(t: CedarType, v: unknown, path: string, depth: number, w: Walk): CedarValueJson | undefined {
  const wrong = (expected: string) => {
    w.issues.push({ path, code: "wrong_type", message: `${path} must be ${expected}` });
    return undefined;
  };
  switch (t.kind) {
    case "String":
      return typeof v === "string" ? v : wrong("a string");
    case "Bool":
      return typeof v === "boolean" ? v : wrong("a boolean");
    case "Long":
      // Cedar Longs are 64-bit; JSON numbers are exact only up to 2^53.
      return typeof v === "number" && Number.isSafeInteger(v) ? v : wrong("an integer between -(2^53 - 1) and 2^53 - 1");
    case "Entity":
      return entityRef(t.type, v, path, w);
    case "Extension":
      return extension(t.name, v, path, w);
    case "Set": {
      if (depth > MAX_DEPTH) return tooDeep(path, w);
      if (!Array.isArray(v)) return wrong("an array");
      if (v.length > MAX_SET) {
        w.issues.push({ path, code: "too_large", message: `${path} has ${v.length} elements; at most ${MAX_SET}` });
        return undefined;
      }
      const out: CedarValueJson[] = [];
      for (let i = 0; i < v.length; i++) {
        const e = value(t.element, v[i], `${path}[${i}]`, depth + 1, w);
        if (e !== undefined) out.push(e);
      }
      return out;
    }
    case "Record":
      if (depth > MAX_DEPTH) return tooDeep(path, w);
      // A record inside a value is given whole, so its required attributes must be there.
      return record(t.attrs, v, path, depth, w, true);
  }
}

function tooDeep(path: string, w: Walk): undefined {
  w.issues.push({ path, code: "too_deep", message: `${path} is nested deeper than ${MAX_DEPTH} levels` });
  return undefined;
}

/** An id string, `{type, id}` (type short in the request's namespace, or qualified), or `{__entity}`. */
function entityRef(declared: string, v: unknown, path: string, w: Walk): CedarValueJson | undefined {
  let type = declared;
  let id: unknown = v;
  if (isPlainObject(v)) {
    const inner = isPlainObject(v.__entity) && Object.keys(v).length === 1 ? v.__entity : v;
    const keys = Object.keys(inner).sort().join(",");
    if (keys !== "id,type" || typeof inner.type !== "string") {
      w.issues.push({ path, code: "wrong_type", message: `${path} must be an id or {type, id} of ${declared}` });
      return undefined;
    }
    type = inner.type.includes("::") ? inner.type : qualified(w.ns, inner.type);
    id = inner.id;
  }
  if (typeof id !== "string" || type !== declared) {
    w.issues.push({ path, code: "wrong_type", message: `${path} must be an id or {type, id} of ${declared}` });
    return undefined;
  }
  const enumIds = w.model.entityTypes.get(declared)?.enumIds;
  if (enumIds && !enumIds.includes(id)) {
    w.issues.push({ path, code: "wrong_type", message: `${path} must be one of ${enumIds.map((x) => JSON.stringify(x)).join(", ")}` });
    return undefined;
  }
  return { __entity: { type, id } };
}

const FORMATS: Record<ExtensionName, { test: (s: string) => boolean; what: string }> = {
  // Cedar decimals: at most 4 fractional digits, 64-bit after scaling by 10^4.
  decimal: { test: isDecimal, what: 'a decimal such as "12.5" (1 to 4 fractional digits, 64-bit after scaling by 10^4)' },
  ipaddr: { test: isIpOrCidr, what: 'an IPv4 or IPv6 address, optionally with a prefix ("10.0.0.0/8")' },
  datetime: {
    test: (s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{4}))?$/.test(s),
    what: 'a date or date-time such as "2026-12-07" or "2026-12-07T10:00:00Z"',
  },
  duration: { test: (s) => s !== "" && s !== "-" && /^-?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/.test(s), what: 'a duration such as "1h30m"' },
};

function extension(name: ExtensionName, v: unknown, path: string, w: Walk): CedarValueJson | undefined {
  let arg = v;
  if (isPlainObject(v) && isPlainObject(v.__extn) && Object.keys(v).length === 1) {
    if (v.__extn.fn !== name) arg = undefined;
    else arg = v.__extn.arg;
  } else if (name === "decimal" && typeof v === "number" && Number.isFinite(v)) {
    // A JSON number is accepted as a decimal only when it prints exactly (no exponent, ≤ 4 places).
    arg = Number.isInteger(v) ? `${v}.0` : String(v);
  }
  if (typeof arg !== "string" || !FORMATS[name].test(arg)) {
    w.issues.push({ path, code: "wrong_type", message: `${path} must be ${FORMATS[name].what}` });
    return undefined;
  }
  return { __extn: { fn: name, arg } };
}

// Cedar decimals are 64-bit integers scaled by 10^4: exact in BigInt, not in a double.
function isDecimal(s: string): boolean {
  const m = /^(-?)(\d+)\.(\d{1,4})$/.exec(s);
  if (!m) return false;
  const scaled = BigInt(m[2]) * 10_000n + BigInt(m[3].padEnd(4, "0"));
  return scaled <= (m[1] ? 2n ** 63n : 2n ** 63n - 1n);
}

function isIpOrCidr(s: string): boolean {
  const slash = s.indexOf("/");
  const ip = slash < 0 ? s : s.slice(0, slash);
  const prefix = slash < 0 ? undefined : s.slice(slash + 1);
  const v4 = isIpv4(ip);
  const v6 = !v4 && isIpv6(ip);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}

function isIpv4(s: string): boolean {
  const parts = s.split(".");
  // No leading zeros: Cedar (like Rust's parser) refuses "010.0.0.1".
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIpv6(s: string): boolean {
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];
  // An embedded IPv4 address may end the address and counts as two groups.
  const last = all[all.length - 1];
  const v4Tail = last !== undefined && last.includes(".");
  if (v4Tail && !isIpv4(last)) return false;
  const hex = v4Tail ? all.slice(0, -1) : all;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hex.length + (v4Tail ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// Attribute names come from the schema, and Cedar allows any string, `__proto__` included:
// define, never assign.
export function defineKey<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}
