import type { Submission } from "@/lib/audit/group-writer";
import type { SessionFacts, ConnectorFacts } from "./facts";
import type { AgentCaller } from "../machine/authenticate";
import type { Decision } from "@/lib/policy/decide";
import { argumentsDigest, redactedPreview } from "@/lib/policy/arguments";
import { actionRisk } from "@/lib/policy/escalation-risk";
import { actionName } from "@/lib/policy/intent";
import { escalationTtlMs } from "../escalations/config";
import type { UsableGrant } from "../escalations/grants";
import type { AuthorizeInput } from "./schemas";

export type Meta = { requestId?: string; ip?: string | null };

export type DecisionContext = {
  id: string;
  now: Date;
  agent: AgentCaller;
  session: SessionFacts;
  connector: ConnectorFacts;
  action: AuthorizeInput["action"];
  policyVersion: string;
  latencyUs: number;
  meta: Meta;
};

/**
 * What the group writer commits for a decision: the decision row, its audit event, the
 * escalation an escalate raises (same transaction), and what must still hold at commit.
 * `grant` is the approval an allow rests on; the commit takes it (and uses up a "once" one).
 */
export function submissionFor(c: DecisionContext, d: Decision, grant?: UsableGrant, escalationId?: string): Submission {
  const { agent, session, action, now } = c;
  const approved = d.outcome === "allow" && grant;
  return {
    decision: {
      id: c.id,
      sessionId: session.id,
      agentId: agent.id,
      connectorId: c.connector.id,
      connector: action.connector,
      tool: action.tool,
      operation: action.operation,
      resource: action.resource ?? null,
      sensitivity: d.sensitivity,
      destination: action.destination ?? null,
      argsDigest: argumentsDigest(action.arguments),
      argsPreview: action.arguments === undefined ? null : redactedPreview(action.arguments),
      outcome: d.outcome,
      reasons: d.reasons,
      diff: d.diff ?? null,
      policyVersion: c.policyVersion,
      escalationId: d.outcome === "escalate" ? (escalationId ?? null) : approved ? grant.escalationId : null,
      grantId: approved ? grant.id : null,
      latencyUs: c.latencyUs,
      createdAt: now,
    },
    audit: {
      actor: { kind: "agent", id: agent.id, label: agent.name },
      action: `decision.${d.outcome}`,
      target: { kind: "decision", id: c.id },
      agentId: agent.id,
      sessionId: session.id,
      detail: {
        action: actionName(action),
        resource: action.resource ?? null,
        reasons: d.reasons.map((r) => r.code),
        policyVersion: c.policyVersion,
        ...(approved ? { escalationId: grant.escalationId, grantId: grant.id, approvedOver: d.approvedOver ?? [] } : {}),
      },
      requestId: c.meta.requestId,
      ip: c.meta.ip,
      occurredAt: now,
    },
    escalation:
      d.outcome === "escalate" && escalationId && d.grantFor
        ? {
            id: escalationId,
            kind: "action",
            sessionId: session.id,
            agentId: agent.id,
            decisionId: c.id,
            action: { connector: action.connector, tool: action.tool, operation: action.operation, resource: action.resource, sensitivity: d.sensitivity, destination: action.destination },
            actionHash: d.grantFor,
            ...actionRisk({ sensitivity: d.sensitivity, destination: action.destination }, agent.riskTier),
            reasons: d.reasons,
            diff: d.diff ?? null,
            requestedBy: `agent:${agent.id}`,
            expiresAt: new Date(now.getTime() + escalationTtlMs()),
          }
        : undefined,
    // Re-checked at commit: a revocation or quarantine that lands meanwhile still wins. A deny
    // needs nothing to hold.
    requires:
      d.outcome === "deny"
        ? undefined
        : { agentId: agent.id, sessionId: session.id, intentVersion: session.intentVersion, credentialId: agent.credentialId, grantId: approved ? grant.id : undefined },
  };
}
