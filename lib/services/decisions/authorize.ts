import { randomUUID } from "node:crypto";
import { uuidv7 } from "@/lib/db/uuidv7";
import { notFound } from "@/lib/errors";
import type { GroupWriter, Submission } from "@/lib/audit/group-writer";
import type { Db } from "@/lib/db/client";
import type { DiffEntry, Reason } from "@/lib/db/schema/decisions";
import { argumentsDigest, redactedPreview } from "@/lib/policy/arguments";
import { actionHash, actionName, checkAction, effectiveSensitivity } from "@/lib/policy/intent";
import { matchesAction } from "@/lib/policy/patterns";
import type { AgentCaller } from "../machine/authenticate";
import { actionRisk } from "@/lib/policy/escalation-risk";
import { escalationTtlMs } from "../escalations/config";
import { findGrant, GRANT_SCOPE_LABEL, type UsableGrant } from "../escalations/grants";
import type { ActiveEngine } from "../policies/active-engine";
import { accessKindOf, type PolicyRequest } from "@/lib/policy/cedar/request";
import { isExternalDestination } from "@/lib/policy/globs";
import type { Sensitivity } from "@/lib/policy/sensitivity";
import { connectorFacts, connectorFactsNow, forgetSession, sessionFacts, sessionFactsNow } from "./facts";
import type { AuthorizeInput } from "./schemas";

export type AuthorizeResult = {
  decision: "allow" | "deny" | "escalate";
  reasons: Reason[];
  decisionId: string;
  /** The escalation raised, or (with grantId) the approved one this allow rests on. */
  escalationId?: string;
  grantId?: string;
  diff?: DiffEntry[];
};

type Meta = { requestId?: string; ip?: string | null };

/**
 * The per-tool-call decision (design.md "The decision path"), in order: session and agent
 * state, intent, organisation policy, outcome. The decision and its audit event are committed
 * (group commit) before this returns; if that write fails the caller gets an error and the
 * route answers deny — no allow ever exists without its audit record.
 */
export async function authorize(db: Db, writer: GroupWriter, engine: ActiveEngine, agent: AgentCaller, input: AuthorizeInput, meta: Meta, attempt = 1): Promise<AuthorizeResult> {
  const started = process.hrtime.bigint();
  const now = new Date();
  // Cached facts without an await when there are some (see answerAuthorize).
  const known = sessionFactsNow(db, input.sessionId, agent.id);
  const session = known === false ? await sessionFacts(db, input.sessionId, agent.id) : known;
  // Another agent's session is as unknown as a made-up id.
  if (!session) throw notFound("Session");
  const action = input.action;

  const reasons: Reason[] = [];
  let diff: DiffEntry[] | undefined;
  let outcome = "allow" as AuthorizeResult["decision"];
  const deny = (r: Reason) => {
    reasons.push(r);
    outcome = "deny";
  };
  const escalate = (r: Reason) => {
    reasons.push(r);
    if (outcome === "allow") outcome = "escalate";
  };

  // Step 2: session and agent.
  if (agent.status !== "active") deny({ code: "agent.quarantined", message: "The agent is quarantined" });
  else if (session.expiresAt <= now && ["active", "pending"].includes(session.status)) deny({ code: "session.expired", message: "The session has expired" });
  else if (session.status !== "active") deny({ code: `session.${session.status === "pending" ? "pending" : "not_active"}`, message: `The session is ${session.status}` });

  const connector = connectorFactsNow(db, action.connector, now) ?? (await connectorFacts(db, action.connector, now));
  const tool = connector.tools.get(action.tool);
  const defaultSensitivity = tool?.sensitivity ?? connector.sensitivity;
  const sensitivity = effectiveSensitivity(action, { defaultSensitivity });

  if (outcome !== "deny") {
    // Step 3: intent, and the agent's baseline envelope behind it.
    const a = { connector: action.connector, tool: action.tool, operation: action.operation };
    if (!agent.envelope.actions.some((p) => matchesAction(p, a))) {
      deny({ code: "agent.envelope_exceeded", message: `${actionName(a)} is outside what this agent may ever do` });
    }
    const check = checkAction(session.intent, action, { defaultSensitivity });
    if (!check.inside) {
      for (const r of check.reasons) escalate(r);
      diff = check.diff;
    }
    if (!connector.managed) escalate({ code: "connector.unmanaged", message: `Nobody registered the connector "${action.connector}"` });

    // Step 4: organisation guardrails (Cedar).
    const req: PolicyRequest = {
      agent: { name: agent.name, riskTier: agent.riskTier, team: agent.team, status: agent.status, identity: agent.identity },
      connector: { name: action.connector, managed: connector.managed, kind: connector.kind, sensitivity: connector.sensitivity, environment: connector.environment },
      tool: action.tool,
      operation: action.operation,
      access: accessKindOf(tool?.operations ?? [], action.operation),
      resource: action.resource,
      sensitivity: sensitivity as Sensitivity,
      destination: action.destination,
      destinationExternal: action.destination ? isExternalDestination(action.destination) : false,
      intentMatch: check.inside,
      sessionAgeSeconds: Math.max(0, Math.floor((now.getTime() - session.startedAt.getTime()) / 1000)),
      escalationCount: session.escalationCount,
      denialCount: session.denyCount,
    };
    const policy = engine.decide(req);
    for (const r of policy.reasons) (policy.decision === "deny" ? deny : policy.decision === "escalate" ? escalate : () => {})(r);
  }

  const decisionId = uuidv7(now.getTime());
  // The exact action's hash binds escalations and grants; an allow inside the intent needs none.
  const hash = outcome === "escalate" ? actionHash(action, { defaultSensitivity }) : "";
  // Step 5: an approval of exactly this action in this session turns the escalate into an allow:
  // a new decision that points at the approval. A deny is never overturned by one.
  let grant: UsableGrant | undefined;
  const overruled = outcome === "escalate" ? reasons.map((r) => r.code) : [];
  if (outcome === "escalate") grant = await findGrant(db, session.id, hash, now);
  if (grant) {
    outcome = "allow";
    reasons.length = 0;
    reasons.push({ code: "approval.granted", message: `A person approved this exact action (${GRANT_SCOPE_LABEL[grant.scope]})` });
  }
  const escalationId = outcome === "escalate" ? randomUUID() : grant?.escalationId;
  const latencyUs = Number((process.hrtime.bigint() - started) / 1000n);
  const decisionRow = (o: AuthorizeResult["decision"], rs: Reason[], escId?: string) => ({
    id: decisionId,
    sessionId: session.id,
    agentId: agent.id,
    connectorId: connector.id,
    connector: action.connector,
    tool: action.tool,
    operation: action.operation,
    resource: action.resource ?? null,
    sensitivity: sensitivity as "public" | "internal" | "confidential" | "restricted",
    destination: action.destination ?? null,
    argsDigest: argumentsDigest(action.arguments),
    argsPreview: action.arguments === undefined ? null : redactedPreview(action.arguments),
    outcome: o,
    reasons: rs,
    diff: diff ?? null,
    policyVersion: engine.version,
    escalationId: escId ?? null,
    grantId: o === "allow" && grant ? grant.id : null,
    latencyUs,
    createdAt: now,
  });
  const audit = (o: string, rs: Reason[]) => ({
    actor: { kind: "agent" as const, id: agent.id, label: agent.name },
    action: `decision.${o}`,
    target: { kind: "decision", id: decisionId },
    agentId: agent.id,
    sessionId: session.id,
    detail: {
      action: actionName(action),
      resource: action.resource ?? null,
      reasons: rs.map((r) => r.code),
      policyVersion: engine.version,
      ...(grant && o === "allow" ? { escalationId: grant.escalationId, grantId: grant.id, approvedOver: overruled } : {}),
    },
    requestId: meta.requestId,
    ip: meta.ip,
    occurredAt: now,
  });
  const submission: Submission = {
    decision: decisionRow(outcome, reasons, escalationId),
    audit: audit(outcome, reasons),
    escalation: outcome === "escalate" && escalationId
      ? {
          id: escalationId,
          kind: "action",
          sessionId: session.id,
          agentId: agent.id,
          decisionId,
          action: { connector: action.connector, tool: action.tool, operation: action.operation, resource: action.resource, sensitivity, destination: action.destination },
          actionHash: hash,
          ...actionRisk({ sensitivity, destination: action.destination }, agent.riskTier),
          reasons,
          diff: diff ?? null,
          requestedBy: `agent:${agent.id}`,
          expiresAt: new Date(now.getTime() + escalationTtlMs()),
        }
      : undefined,
    // Re-checked at commit: a revocation or quarantine that lands meanwhile still wins.
    requires: outcome === "deny" ? undefined : { agentId: agent.id, sessionId: session.id, intentVersion: session.intentVersion, credentialId: agent.credentialId, grantId: grant?.id },
    downgrade: (v) => {
      // The intent changed under a cached session (another instance, or mid-decision): decide
      // once more against the current one rather than deny a call the new intent may allow.
      // Likewise when a "once" approval was used up by a concurrent twin of this call.
      if ((v === "session.intent_changed" || v === "grant.unavailable") && attempt === 1) return "retry";
      const r = [{ code: v, message: "Changed while the decision was being made" }];
      return { decision: decisionRow("deny", r), audit: audit("deny", r) };
    },
  };
  const committed = await writer.submit(submission);
  if (committed.retry) {
    forgetSession(db, session.id);
    return authorize(db, writer, engine, agent, input, meta, attempt + 1);
  }
  const d = committed.decision;
  return {
    decision: d.outcome as AuthorizeResult["decision"],
    reasons: d.reasons ?? [],
    decisionId,
    ...(d.escalationId ? { escalationId: d.escalationId } : {}),
    ...(d.grantId ? { grantId: d.grantId } : {}),
    ...(d.diff ? { diff: d.diff } : {}),
  };
}
