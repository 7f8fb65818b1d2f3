import { can, type Role } from "@/lib/policy/roles";

export type GrantScope = "once" | "session" | "amend_intent";
export type EscalationFacts = {
  kind: "action" | "intent_change" | "session_open";
  action: Record<string, unknown>;
  reasons: { code: string }[];
  requiredApprovals: number;
  requestedBy: string | null;
  agentOwnerId: string | null;
  /** People who already voted on it. */
  voters: string[];
};

/** The facts the rules below read, from an escalation row, its agent's owner and its votes. */
export function escalationFacts(
  e: Pick<EscalationFacts, "kind" | "requiredApprovals" | "requestedBy"> & { action: unknown; reasons: { code: string }[] },
  agentOwnerId: string | null | undefined,
  votes: { userId: string }[],
): EscalationFacts {
  return { kind: e.kind, action: e.action as Record<string, unknown>, reasons: e.reasons, requiredApprovals: e.requiredApprovals, requestedBy: e.requestedBy, agentOwnerId: agentOwnerId ?? null, voters: votes.map((v) => v.userId) };
}

/** Who filed a request, as stored in `requested_by` (agent:<id> or person:<id>). */
export const personRef = (id: string) => `person:${id}`;

/**
 * Why this person may not decide this escalation, or null if they may. Separation of duties:
 * nobody decides for an agent they own or a request they filed, and nobody votes twice (the
 * two-approver rule counts different people).
 */
export function decisionBlocker(person: { id: string; role: Role }, e: EscalationFacts): string | null {
  if (!can(person.role, "decideEscalations")) return "Your role can view escalations but not decide them";
  if (e.agentOwnerId && e.agentOwnerId === person.id) return "You own this agent; someone else must decide its escalations";
  if (e.requestedBy === personRef(person.id)) return "You filed this request; someone else must decide it";
  if (e.voters.includes(person.id)) return "You already voted on this escalation";
  return null;
}

/** A high-risk escalation needs two different approvers, each re-entering their password. */
export const isHighRisk = (e: Pick<EscalationFacts, "requiredApprovals">) => e.requiredApprovals >= 2;

/**
 * The scopes an approval may take. Intent changes and session openings are approved as asked
 * (no scope). An action may be approved once or for the session; amending the intent is offered
 * only when the intent alone stood in the way — it would not lift a policy's escalation, and a
 * credential request is not an action an intent lists.
 */
export function allowedScopes(e: Pick<EscalationFacts, "kind" | "action" | "reasons">): GrantScope[] {
  if (e.kind !== "action") return [];
  if (e.action.tool === "credential") return ["once", "session"];
  const onlyIntent = e.reasons.length > 0 && e.reasons.every((r) => r.code.startsWith("intent."));
  return onlyIntent ? ["once", "session", "amend_intent"] : ["once", "session"];
}

const BREADTH: Record<GrantScope, number> = { once: 0, session: 1, amend_intent: 2 };

/** Where approvers chose different scopes, the grant is the narrowest of them. */
export function narrowestScope(scopes: GrantScope[]): GrantScope {
  return scopes.reduce((a, b) => (BREADTH[b] < BREADTH[a] ? b : a), scopes[0] ?? "once");
}
