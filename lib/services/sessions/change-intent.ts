import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { agents, escalations, sessionIntents, sessions } from "@/lib/db/schema";
import { personRef } from "@/lib/policy/separation-of-duties";
import type { DiffEntry, Reason } from "@/lib/db/schema/decisions";
import type { Intent } from "@/lib/db/schema/sessions";
import { actionHash, checkDelegation, checkIntentWithinEnvelope, compareIntents } from "@/lib/policy/intent";
import type { WithFacts } from "../decisions/facts";
import type { AgentCaller } from "../machine/authenticate";
import { intentRisk } from "@/lib/policy/escalation-risk";
import { escalationTtlMs } from "../escalations/config";

export type IntentChangeResult = {
  id: string;
  status: "accepted" | "pending" | "denied";
  /** The version in force after this call (unchanged unless accepted). */
  intentVersion: number;
  expiresAt: string;
  reasons: Reason[];
  diff?: DiffEntry[];
  escalationId?: string;
};

/**
 * Changes a live session's intent. Narrowing (or a new goal text) is accepted as a new version.
 * Widening is evaluated like an action: beyond the agent's envelope or a delegated session's
 * parent it is denied; otherwise it waits for a person (an intent_change escalation) while the
 * current intent stays in force. Every outcome is versioned and audited.
 */
export async function changeIntent(deps: WithFacts, agent: AgentCaller, id: string, next: Intent, meta: { requestId?: string; ip?: string | null }): Promise<IntentChangeResult> {
  return changeIntentAs(deps, { kind: "agent", agent }, id, next, meta);
}

/**
 * A person (analyst, approver or admin) files an intent change for a live session, with a
 * reason. Same rules as the agent's own change; a widening waits for someone else — separation
 * of duties keeps the person who filed it from approving it.
 */
export async function proposeIntentChange(deps: WithFacts, person: { id: string; email: string }, id: string, next: Intent, reason: string, meta: { requestId?: string; ip?: string | null }): Promise<IntentChangeResult> {
  const [row] = await deps.db.select().from(sessions).innerJoin(agents, eq(agents.id, sessions.agentId)).where(eq(sessions.id, id));
  if (!row) throw notFound("Session");
  const a = row.agents;
  const agent: AgentCaller = { id: a.id, name: a.name, identity: a.identity, riskTier: a.riskTier, status: a.status, team: a.team, envelope: a.envelope, via: "key" };
  return changeIntentAs(deps, { kind: "person", person, agent, reason }, id, next, meta);
}

type Requester = { kind: "agent"; agent: AgentCaller } | { kind: "person"; person: { id: string; email: string }; agent: AgentCaller; reason: string };

async function changeIntentAs({ db, facts }: WithFacts, by: Requester, id: string, next: Intent, meta: { requestId?: string; ip?: string | null }): Promise<IntentChangeResult> {
  const agent = by.agent;
  const actor = by.kind === "agent" ? { kind: "agent" as const, id: agent.id, label: agent.name } : { kind: "person" as const, id: by.person.id, label: by.person.email };
  const requestedBy = by.kind === "agent" ? `agent:${agent.id}` : personRef(by.person.id);
  const why = by.kind === "person" ? { reason: by.reason } : {};
  const result = await db.transaction(async (tx): Promise<IntentChangeResult> => {
    const [s] = await tx.select().from(sessions).where(and(eq(sessions.id, id), eq(sessions.agentId, agent.id))).for("update");
    if (!s) throw notFound("Session");
    const now = new Date();
    const base = { id, intentVersion: s.intentVersion, expiresAt: s.expiresAt.toISOString() };
    const [{ v }] = await tx.select({ v: sql<number>`coalesce(max(${sessionIntents.version}), 0)::int` }).from(sessionIntents).where(eq(sessionIntents.sessionId, id));
    const version = v + 1;
    const record = async (status: "accepted" | "pending" | "rejected", diff: unknown, action: string, detail: Record<string, unknown>) => {
      await tx.insert(sessionIntents).values({ sessionId: id, version, intent: next, status, diff: diff as never, requestedBy });
      await recordAudit(tx, {
        actor,
        action,
        target: { kind: "session", id },
        agentId: agent.id,
        sessionId: id,
        detail: { version, ...detail, ...why },
        requestId: meta.requestId,
        ip: meta.ip,
      });
    };

    const inactive = agent.status !== "active" ? "agent.quarantined" : s.status !== "active" ? "session.not_active" : s.expiresAt <= now ? "session.expired" : null;
    if (inactive) {
      const reasons = [{ code: inactive, message: "The session cannot change its intent now" }];
      await record("rejected", null, "session.intent_denied", { reasons: [inactive] });
      return { ...base, status: "denied", reasons };
    }

    const cmp = compareIntents(s.intent, next);
    if (cmp.kind !== "widening") {
      const expiresAt = new Date(Math.min(s.expiresAt.getTime(), s.startedAt.getTime() + next.ttlSeconds * 1000));
      await tx.update(sessions).set({ intent: next, goal: next.goal, intentVersion: version, expiresAt }).where(eq(sessions.id, id));
      await record("accepted", cmp.changes, "session.intent_narrowed", { changes: cmp.changes.map((c) => c.field) });
      return { id, status: "accepted", intentVersion: version, expiresAt: expiresAt.toISOString(), reasons: [] };
    }

    const outside = checkIntentWithinEnvelope(next, agent.envelope);
    let parentCheck = { inside: true, reasons: [] as Reason[], diff: [] as DiffEntry[] };
    if (s.parentSessionId) {
      const [parent] = await tx.select().from(sessions).where(eq(sessions.id, s.parentSessionId));
      parentCheck = parent ? checkDelegation(next, parent.intent, { now, parentExpiresAt: parent.expiresAt }) : { inside: false, reasons: [{ code: "delegation.parent_not_found", message: "The parent session is gone" }], diff: [] };
    }
    if (!outside.inside || !parentCheck.inside) {
      const reasons = [...outside.reasons, ...parentCheck.reasons];
      const diff = [...outside.diff, ...parentCheck.diff];
      await record("rejected", diff, "session.intent_denied", { reasons: reasons.map((r) => r.code) });
      return { ...base, status: "denied", reasons, diff };
    }

    const reasons: Reason[] = [{ code: "intent.widening", message: "The new intent asks for more than the current one; a person decides" }];
    const escalationId = randomUUID();
    await tx.insert(escalations).values({
      id: escalationId,
      kind: "intent_change",
      sessionId: id,
      agentId: agent.id,
      action: { from: s.intent, to: next, version },
      actionHash: actionHash({ connector: "warden", tool: "intent", operation: "change", resource: `${id}@${version}` }),
      ...intentRisk(next, agent.riskTier),
      reasons,
      diff: cmp.widened,
      requestedBy,
      expiresAt: new Date(now.getTime() + escalationTtlMs()),
    });
    await tx.update(sessions).set({ escalationCount: sql`${sessions.escalationCount} + 1` }).where(eq(sessions.id, id));
    await record("pending", cmp.widened, "session.intent_widening_requested", { escalationId, widened: cmp.widened.map((d) => d.field) });
    return { ...base, status: "pending", reasons, diff: cmp.widened, escalationId };
  });
  // Other instances notice within a second; a decision made on the old intent meanwhile is
  // refused at commit (the intent version is a precondition).
  facts.forget(id);
  return result;
}
