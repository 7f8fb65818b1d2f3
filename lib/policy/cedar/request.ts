// A tool call as the policy engine sees it, and its translation into a Cedar request
// (mapping documented in schema.ts). Built by the decision path from the agent, connector and
// session rows it already loaded; nothing here reads a database.
import type { CedarValueJson, Context, EntityJson, EntityUidJson } from "@cedar-policy/cedar-wasm/nodejs";
import { sensitivityRank, type Sensitivity } from "../sensitivity";
import { ACTION_TYPE, AGENT_TYPE, CONNECTOR_TYPE, TOOL_TYPE, type AccessKind } from "./schema";

export type PolicyRequest = {
  agent: { name: string; riskTier: string; team: string; status: string; identity: string };
  connector: { name: string; managed: boolean; kind: string; sensitivity: string; environment: string };
  tool: string;
  operation: string;
  /** From the connector's tool catalogue (see accessKindOf); `call` when unknown. */
  access: AccessKind;
  resource?: string;
  /** Effective data sensitivity of this call. */
  sensitivity: Sensitivity;
  destination?: string;
  destinationExternal: boolean;
  intentMatch: boolean;
  sessionAgeSeconds: number;
  escalationCount: number;
  denialCount: number;
};

export type CedarRequest = {
  principal: EntityUidJson & { type: string; id: string };
  action: EntityUidJson & { type: string; id: string };
  resource: EntityUidJson & { type: string; id: string };
  /** The resource's parent (its connector). */
  resourceParent: { type: string; id: string };
  context: Context;
  entities: EntityJson[];
};

/** The access kind of `operation` in a tool's catalogue; unknown operations are `call`. */
export function accessKindOf(operations: readonly { name: string; access: string }[], operation: string): AccessKind {
  const found = operations.find((o) => o.name === operation)?.access;
  return found === "read" || found === "write" || found === "delete" || found === "admin" ? found : "call";
}

export function toolEntityId(connector: string, tool: string): string {
  return `${connector}:${tool}`;
}

// Cedar Longs are 64-bit integers; counters and ages arrive as JS numbers.
function long(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.min(Math.floor(n), Number.MAX_SAFE_INTEGER)) : 0;
}

/**
 * The Cedar request for a tool call. With `uses` (every identifier written in the policies that
 * will evaluate it), attributes and context fields no policy names are left out, and so are
 * entities left without attributes (the tool stays: its parent carries `resource in`). Crossing
 * into wasm costs per value, so this is a quarter of the decision time; it cannot change an
 * answer, since Cedar can only observe an attribute (or test `has`) by naming it.
 */
export function toCedarRequest(r: PolicyRequest, uses?: ReadonlySet<string>): CedarRequest {
  const principal = { type: AGENT_TYPE, id: r.agent.name };
  const connector = { type: CONNECTOR_TYPE, id: r.connector.name };
  const resource = { type: TOOL_TYPE, id: toolEntityId(r.connector.name, r.tool) };
  const rank = sensitivityRank(r.sensitivity);
  const keep = <T extends Record<string, CedarValueJson>>(o: T): Partial<T> => {
    if (!uses) return o;
    const out: Partial<T> = {};
    for (const k in o) if (uses.has(k)) out[k] = o[k];
    return out;
  };
  const agentAttrs = keep({ riskTier: r.agent.riskTier, team: r.agent.team, status: r.agent.status, identity: r.agent.identity });
  const connectorAttrs = keep({
    managed: r.connector.managed,
    kind: r.connector.kind,
    sensitivity: r.connector.sensitivity,
    environment: r.connector.environment,
  });
  const entities: EntityJson[] = [{ uid: resource, attrs: keep({ name: r.tool, connector: { __entity: connector } }), parents: [connector] }];
  if (!uses || Object.keys(agentAttrs).length > 0) entities.push({ uid: principal, attrs: agentAttrs as Record<string, CedarValueJson>, parents: [] });
  if (!uses || Object.keys(connectorAttrs).length > 0) entities.push({ uid: connector, attrs: connectorAttrs as Record<string, CedarValueJson>, parents: [] });
  return {
    principal,
    action: { type: ACTION_TYPE, id: r.access },
    resource,
    resourceParent: connector,
    context: keep({
      sensitivity: r.sensitivity,
      // An unknown sensitivity label is treated as the top of the ladder (fail closed).
      sensitivityRank: rank < 0 ? 3 : rank,
      destination: r.destination ?? "",
      destinationExternal: r.destinationExternal,
      intentMatch: r.intentMatch,
      riskTier: r.agent.riskTier,
      sessionAgeSeconds: long(r.sessionAgeSeconds),
      escalationCount: long(r.escalationCount),
      denialCount: long(r.denialCount),
      operation: r.operation,
      resource: r.resource ?? "",
    }) as Context,
    entities,
  };
}
