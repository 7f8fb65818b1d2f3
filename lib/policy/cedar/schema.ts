// The Cedar schema Warden's policies are validated against, and how a tool call maps onto it.
//
// A tool call `connector:tool.operation` becomes one Cedar request:
//   principal  Warden::Agent::"<agent name>"          (names are unique slugs, readable in policies)
//   action     Warden::Action::"<access kind>"        read | write | delete | admin | call (unknown)
//   resource   Warden::Tool::"<connector>:<tool>"     parent Warden::Connector::"<connector>",
//                                                     and `resource.connector` points at it too
//   context    RequestContext below; the concrete operation name is `context.operation`.
// So a policy can say `action == Warden::Action::"write"`, `action in Warden::Action::"mutate"`,
// `resource in Warden::Connector::"prod-db"` or `resource.connector.environment == "production"`.
// Cedar cannot read a parent's attributes, hence the `connector` attribute on Tool.
import { schemaToJson, type Schema } from "@cedar-policy/cedar-wasm/nodejs";

export const WARDEN_NAMESPACE = "Warden";
export const ACTION_TYPE = "Warden::Action";
export const AGENT_TYPE = "Warden::Agent";
export const TOOL_TYPE = "Warden::Tool";
export const CONNECTOR_TYPE = "Warden::Connector";

/** Access kinds a tool call is evaluated as; `call` is an operation the catalogue does not know. */
export const ACCESS_KINDS = ["read", "write", "delete", "admin", "call"] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

export const WARDEN_SCHEMA = `namespace Warden {
  // A workload identity. Entity id = the agent's name.
  entity Agent = {
    riskTier: String,   // low | medium | high
    team: String,
    status: String,     // active | quarantined | retired
    identity: String,   // SPIFFE ID or OIDC subject
  };

  // A surface agents act on. Entity id = the connector's slug (\`github\` in \`github:issues.read\`).
  entity Connector = {
    managed: Bool,        // false = shadow connector first seen in a tool call
    kind: String,         // mcp_server | saas_api | database | object_storage | messaging | internal_api | other
    sensitivity: String,  // public | internal | confidential | restricted
    environment: String,  // e.g. production, staging
  };

  // One tool of a connector. Entity id = "<connector>:<tool>".
  entity Tool in [Connector] = {
    name: String,
    connector: Connector,
  };

  type RequestContext = {
    sensitivity: String,        // effective data sensitivity of this call
    sensitivityRank: Long,      // 0 public, 1 internal, 2 confidential, 3 restricted
    destination: String,        // where data goes ("" when none)
    destinationExternal: Bool,
    intentMatch: Bool,          // the intent check (decision step 3) found the call inside the intent
    riskTier: String,           // the agent's risk tier, repeated for convenience
    sessionAgeSeconds: Long,
    escalationCount: Long,      // escalations so far in this session
    denialCount: Long,          // denials so far in this session
    operation: String,          // the concrete operation name, e.g. "push"
    resource: String,           // the concrete resource, e.g. a repository or table ("" when none)
  };

  // Anything that may change state. \`call\` (unknown access kind) counts, so that unknown
  // operations are treated as possibly mutating.
  action mutate;

  action read appliesTo { principal: [Agent], resource: [Tool], context: RequestContext };
  action write, delete, admin, call in [mutate]
    appliesTo { principal: [Agent], resource: [Tool], context: RequestContext };
}
`;

/** Uid key used for comparisons everywhere in this module: `Type::"id"`. */
export function uidKey(type: string, id: string): string {
  return `${type}::${JSON.stringify(id)}`;
}

export type Uid = { type: string; id: string };

/**
 * Every action's ancestors (action groups, transitively), keyed by uid key. Cedar only knows the
 * action hierarchy from the entities it is given (no schema is passed per request, for speed),
 * so the engine sends the request's action with these as parents; slicing uses them too.
 */
export function actionAncestors(schema: Schema): Map<string, Uid[]> {
  const answer = schemaToJson(schema);
  if (answer.type !== "success") throw new Error(`invalid Cedar schema: ${answer.errors.map((e) => e.message).join("; ")}`);
  const parents = new Map<string, Uid[]>();
  for (const [ns, def] of Object.entries(answer.json)) {
    const own = ns ? `${ns}::Action` : "Action";
    for (const [id, action] of Object.entries(def.actions ?? {})) {
      parents.set(
        uidKey(own, id),
        (action.memberOf ?? []).map((m) => ({ type: m.type ? qualify(ns, m.type) : own, id: m.id })),
      );
    }
  }
  const closure = new Map<string, Uid[]>();
  const visit = (key: string, path: Set<string>): Uid[] => {
    const done = closure.get(key);
    if (done) return done;
    const out = new Map<string, Uid>();
    for (const p of parents.get(key) ?? []) {
      const pk = uidKey(p.type, p.id);
      if (path.has(pk)) continue; // the schema parser rejects cycles; this only guards the walk
      out.set(pk, p);
      for (const a of visit(pk, new Set([...path, pk]))) out.set(uidKey(a.type, a.id), a);
    }
    const list = [...out.values()];
    closure.set(key, list);
    return list;
  };
  for (const key of parents.keys()) visit(key, new Set([key]));
  return closure;
}

function qualify(ns: string, type: string): string {
  // A memberOf type is written relative to its namespace unless it is already qualified.
  return type.includes("::") || !ns ? type : `${ns}::${type}`;
}
