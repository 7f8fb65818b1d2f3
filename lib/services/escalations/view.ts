import { desc, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Person } from "@/lib/domain/person";
import type { Db } from "@/lib/db/client";
import { agents, decisions, escalations, escalationVotes, grants, sessions, users } from "@/lib/db/schema";
import { allowedScopes, decisionBlocker, escalationFacts, isHighRisk } from "@/lib/policy/separation-of-duties";

const RECENT_DECISIONS = 10;

export type EscalationDetail = Awaited<ReturnType<typeof getEscalationForPerson>>;

/**
 * Everything an approver needs to decide one escalation: what is asked and how it differs from
 * the intent, the policy reasons, the session's last calls, the votes so far, and whether this
 * viewer may decide (and why not). Any signed-in person with inventory access may read it.
 */
export async function getEscalationForPerson(db: Db, person: Pick<Person, "id" | "role">, id: string) {
  const [e] = await db.select().from(escalations).where(eq(escalations.id, id));
  if (!e) throw notFound("Escalation");
  const [[agent], [session], votes, recent, [grant]] = await Promise.all([
    db
      .select({ id: agents.id, name: agents.name, team: agents.team, riskTier: agents.riskTier, ownerId: agents.ownerId, ownerName: users.name })
      .from(agents)
      .leftJoin(users, eq(users.id, agents.ownerId))
      .where(eq(agents.id, e.agentId)),
    db
      .select({ id: sessions.id, goal: sessions.goal, status: sessions.status, intent: sessions.intent, intentVersion: sessions.intentVersion, expiresAt: sessions.expiresAt, parentSessionId: sessions.parentSessionId })
      .from(sessions)
      .where(eq(sessions.id, e.sessionId)),
    db
      .select({ userId: escalationVotes.userId, name: users.name, email: users.email, vote: escalationVotes.vote, scope: escalationVotes.scope, reason: escalationVotes.reason, createdAt: escalationVotes.createdAt })
      .from(escalationVotes)
      .innerJoin(users, eq(users.id, escalationVotes.userId))
      .where(eq(escalationVotes.escalationId, id))
      .orderBy(escalationVotes.createdAt),
    db
      .select({ id: decisions.id, createdAt: decisions.createdAt, connector: decisions.connector, tool: decisions.tool, operation: decisions.operation, resource: decisions.resource, sensitivity: decisions.sensitivity, destination: decisions.destination, outcome: decisions.outcome, reasons: decisions.reasons, escalationId: decisions.escalationId, grantId: decisions.grantId })
      .from(decisions)
      .where(eq(decisions.sessionId, e.sessionId))
      .orderBy(desc(decisions.createdAt))
      .limit(RECENT_DECISIONS),
    e.grantId ? db.select().from(grants).where(eq(grants.id, e.grantId)) : Promise.resolve([]),
  ]);

  // Unanswered past its expiry counts as denied even before the sweeper marks it.
  const status = e.status === "pending" && e.expiresAt.getTime() <= Date.now() ? "expired" : e.status;
  const facts = escalationFacts(e, agent?.ownerId, votes);
  const blockedBy = status !== "pending" ? `This escalation is ${status}` : decisionBlocker(person, facts);
  return {
    escalation: {
      id: e.id,
      kind: e.kind,
      status,
      risk: e.risk,
      requiredApprovals: e.requiredApprovals,
      approvals: votes.filter((v) => v.vote === "approve").length,
      action: e.action,
      reasons: e.reasons,
      diff: e.diff,
      decisionId: e.decisionId,
      createdAt: e.createdAt.toISOString(),
      expiresAt: e.expiresAt.toISOString(),
      resolvedAt: e.resolvedAt?.toISOString() ?? null,
      resolution: e.resolution,
      requestedBy: e.requestedBy,
    },
    votes: votes.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
    agent: agent ?? null,
    session: session ? { ...session, expiresAt: session.expiresAt.toISOString() } : null,
    recentDecisions: recent.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
    grant: grant ? { id: grant.id, scope: grant.scope, usesLeft: grant.usesLeft, expiresAt: grant.expiresAt.toISOString(), consumedAt: grant.consumedAt?.toISOString() ?? null } : null,
    viewer: {
      canDecide: blockedBy === null,
      blockedBy,
      alreadyVoted: facts.voters.includes(person.id),
      needsPassword: isHighRisk(e),
    },
    scopes: allowedScopes(facts),
  };
}
