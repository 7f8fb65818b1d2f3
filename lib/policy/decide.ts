import type { Envelope } from "@/lib/db/schema/agents";
import type { ActionShape, DiffEntry, Reason } from "@/lib/db/schema/decisions";
import type { Intent } from "@/lib/db/schema/sessions";
import type { PolicyDecision } from "./cedar/engine";
import { accessKindOf, type PolicyRequest } from "./cedar/request";
import { isExternalDestination } from "./globs";
import { actionHash, actionName, checkAction, effectiveSensitivity } from "./intent";
import { matchesAction } from "./patterns";
import type { Sensitivity } from "./sensitivity";

// The per-tool-call decision of design.md "The decision path", steps 2 to 5, as a pure function
// of the facts the decision path loaded. Authentication (step 1) happened before; recording
// (step 6) happens after, in lib/services/decisions/authorize.ts.

export type Outcome = "allow" | "deny" | "escalate";

export type DecisionFacts = {
  now: Date;
  agent: { name: string; identity: string; riskTier: string; status: string; team: string; envelope: Pick<Envelope, "actions"> };
  session: { status: string; expiresAt: Date; startedAt: Date; intent: Intent; escalationCount: number; denyCount: number };
  connector: {
    managed: boolean;
    kind: string;
    sensitivity: string;
    environment: string;
    tools: ReadonlyMap<string, { sensitivity: string | null; operations: readonly { name: string; access: string }[] }>;
  };
};

/** The organisation's guardrails (the compiled Cedar policy set, or a stand-in in tests). */
export type Guardrails = { decide(req: PolicyRequest): Pick<PolicyDecision, "decision" | "reasons"> };

export type Decision = {
  outcome: Outcome;
  reasons: Reason[];
  /** Intent-vs-action differences, when the call is outside the intent. */
  diff?: DiffEntry[];
  /** The data sensitivity the decision is about (declared, else the tool's or connector's). */
  sensitivity: Sensitivity;
  /**
   * On an escalate: the exact action's hash. A person's approval of exactly this action in this
   * session (a grant) turns the escalate into an allow (step 5); the caller looks one up and,
   * if there is one, applies it with `approve` and has the commit consume it.
   */
  grantFor?: string;
  /** On an allow through an approval: the reason codes the approval overruled. */
  approvedOver?: string[];
};

const reason = (code: string, message: string): Reason => ({ code, message });

export function decide(facts: DecisionFacts, action: ActionShape, guardrails: Guardrails): Decision {
  const { now, agent, session, connector } = facts;
  const reasons: Reason[] = [];
  let outcome = "allow" as Outcome; // widened: the closures below change it
  let diff: DiffEntry[] | undefined;
  const deny = (r: Reason) => {
    reasons.push(r);
    outcome = "deny";
  };
  const escalate = (r: Reason) => {
    reasons.push(r);
    if (outcome === "allow") outcome = "escalate";
  };
  const tool = connector.tools.get(action.tool);
  const defaultSensitivity = tool?.sensitivity ?? connector.sensitivity;
  const sensitivity = effectiveSensitivity(action, { defaultSensitivity }) as Sensitivity;

  // Step 2: agent and session state. The first that fails decides; nothing else is evaluated.
  if (agent.status !== "active") deny(reason("agent.quarantined", "The agent is quarantined"));
  else if (session.expiresAt <= now && (session.status === "active" || session.status === "pending")) deny(reason("session.expired", "The session has expired"));
  else if (session.status !== "active") deny(reason(`session.${session.status === "pending" ? "pending" : "not_active"}`, `The session is ${session.status}`));
  if (outcome === "deny") return { outcome, reasons, sensitivity };

  // Step 3: the agent's baseline envelope (a hard limit), then the session's intent (a person
  // may widen it: escalate), then a connector nobody registered (escalate).
  const a = { connector: action.connector, tool: action.tool, operation: action.operation };
  if (!agent.envelope.actions.some((p) => matchesAction(p, a))) {
    deny(reason("agent.envelope_exceeded", `${actionName(a)} is outside what this agent may ever do`));
  }
  const check = checkAction(session.intent, action, { defaultSensitivity });
  if (!check.inside) {
    for (const r of check.reasons) escalate(r);
    diff = check.diff;
  }
  if (!connector.managed) escalate(reason("connector.unmanaged", `Nobody registered the connector "${action.connector}"`));

  // Step 4: organisation guardrails (Cedar). A forbid denies or escalates as the policy says;
  // nothing matching is a deny.
  const policy = guardrails.decide(policyRequest(facts, action, sensitivity, check.inside, tool?.operations ?? []));
  if (policy.decision === "deny") policy.reasons.forEach(deny);
  else if (policy.decision === "escalate") policy.reasons.forEach(escalate);

  // Step 5 (first half): only an escalate can be turned into an allow, by an approval of this
  // exact action; a deny never is.
  const grantFor = outcome === "escalate" ? actionHash(action, { defaultSensitivity }) : undefined;
  return { outcome, reasons, sensitivity, ...(diff ? { diff } : {}), ...(grantFor ? { grantFor } : {}) };
}

function policyRequest(facts: DecisionFacts, action: ActionShape, sensitivity: Sensitivity, intentMatch: boolean, operations: readonly { name: string; access: string }[]): PolicyRequest {
  const { agent, session, connector, now } = facts;
  return {
    agent: { name: agent.name, riskTier: agent.riskTier, team: agent.team, status: agent.status, identity: agent.identity },
    connector: { name: action.connector, managed: connector.managed, kind: connector.kind, sensitivity: connector.sensitivity, environment: connector.environment },
    tool: action.tool,
    operation: action.operation,
    access: accessKindOf(operations, action.operation),
    resource: action.resource,
    sensitivity,
    destination: action.destination,
    destinationExternal: action.destination ? isExternalDestination(action.destination) : false,
    intentMatch,
    sessionAgeSeconds: Math.max(0, Math.floor((now.getTime() - session.startedAt.getTime()) / 1000)),
    escalationCount: session.escalationCount,
    denialCount: session.denyCount,
  };
}

export type GrantScope = "once" | "session" | "amend_intent";

export const GRANT_SCOPE_LABEL: Record<GrantScope, string> = {
  once: "this call once",
  session: "this action for the rest of the session",
  amend_intent: "added to the session's intent",
};

/** Step 5 (second half): an escalate that a person approved (`grantFor` matched a grant) is allowed. */
export function approve(d: Decision, grant: { scope: GrantScope }): Decision {
  if (d.outcome !== "escalate") throw new Error("only an escalate can be approved");
  return {
    outcome: "allow",
    reasons: [reason("approval.granted", `A person approved this exact action (${GRANT_SCOPE_LABEL[grant.scope]})`)],
    sensitivity: d.sensitivity,
    ...(d.diff ? { diff: d.diff } : {}),
    approvedOver: d.reasons.map((r) => r.code),
  };
}

/**
 * What a precondition that no longer held at commit leads to (the commit wrote nothing for the
 * decision). A changed intent, or a "once" approval used up by a concurrent twin of this call,
 * may allow the call on fresh facts: decide once more. Anything else (a revocation, quarantine
 * or end that committed meanwhile), or a second failure, is a deny naming what changed.
 */
export function afterViolation(d: Decision, violation: string, attempt: number): "decide again" | Decision {
  if ((violation === "session.intent_changed" || violation === "grant.unavailable") && attempt === 1) return "decide again";
  return { outcome: "deny", reasons: [reason(violation, "Changed while the decision was being made")], sensitivity: d.sensitivity, ...(d.diff ? { diff: d.diff } : {}) };
}
