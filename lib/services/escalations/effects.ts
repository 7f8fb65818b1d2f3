import { and, eq, isNull, sql } from "drizzle-orm";
import { conflict } from "@/lib/errors";
import { canonicalJson } from "@/lib/audit/chain";
import { recordAudit } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/client";
import { escalations, grants, sessionIntents, sessions } from "@/lib/db/schema";
import type { ActionShape } from "@/lib/db/schema/decisions";
import type { Envelope } from "@/lib/db/schema/agents";
import type { Intent } from "@/lib/db/schema/sessions";
import { amendIntentFor } from "@/lib/policy/escalation-risk";
import { checkDelegation, checkIntentWithinEnvelope, compareIntents } from "@/lib/policy/intent";
import { personRef } from "@/lib/policy/separation-of-duties";

// What an approved (or unanswered) escalation changes beyond itself. Each runs inside the
// transaction that settles the escalation, with the session row already locked.

type Session = typeof sessions.$inferSelect;
type Escalation = typeof escalations.$inferSelect;
type Audit = (action: string, detail: Record<string, unknown>) => Promise<unknown>;

async function nextVersion(tx: Tx, sessionId: string): Promise<number> {
  const [{ v }] = await tx.select({ v: sql<number>`coalesce(max(${sessionIntents.version}), 0)::int` }).from(sessionIntents).where(eq(sessionIntents.sessionId, sessionId));
  return v + 1;
}

/** A delegated session may never outgrow its parent, whoever approves. */
async function checkParent(tx: Tx, s: Session, next: Intent, now: Date) {
  if (!s.parentSessionId) return;
  const [parent] = await tx.select().from(sessions).where(eq(sessions.id, s.parentSessionId));
  const check = parent ? checkDelegation(next, parent.intent, { now, parentExpiresAt: parent.expiresAt }) : { inside: false, reasons: [{ code: "delegation.parent_not_found", message: "The parent session is gone" }] };
  if (!check.inside) throw conflict(`This would take a delegated session beyond its parent: ${check.reasons.map((r) => r.message).join("; ")}`);
}

/** "Amend the intent": the smallest new intent version that admits the approved action. */
export async function amendIntent(tx: Tx, s: Session, envelope: Envelope, action: ActionShape, ctx: { person: { id: string }; audit: Audit; now: Date }): Promise<number> {
  const next = amendIntentFor(s.intent, action);
  const outside = checkIntentWithinEnvelope(next, envelope);
  if (!outside.inside) throw conflict(`Amending the intent would exceed the agent's envelope: ${outside.reasons.map((r) => r.message).join("; ")}`);
  await checkParent(tx, s, next, ctx.now);
  const version = await nextVersion(tx, s.id);
  const cmp = compareIntents(s.intent, next);
  await tx.insert(sessionIntents).values({ sessionId: s.id, version, intent: next, status: "accepted", diff: cmp.changes, requestedBy: personRef(ctx.person.id), createdAt: ctx.now });
  await tx.update(sessions).set({ intent: next, intentVersion: version }).where(eq(sessions.id, s.id));
  await ctx.audit("session.intent_amended", { version, changes: cmp.changes.map((c) => c.field) });
  return version;
}

/** An approved intent change takes effect exactly as asked, unless the intent moved meanwhile. */
export async function applyIntentChange(tx: Tx, s: Session, action: Record<string, unknown>, ctx: { audit: Audit; now: Date }): Promise<number> {
  const { from, to, version } = action as { from: Intent; to: Intent; version: number };
  if (canonicalJson(from) !== canonicalJson(s.intent)) {
    throw conflict("The session's intent changed after this was asked; the agent must ask again");
  }
  await checkParent(tx, s, to, ctx.now);
  let expiresAt = new Date(s.startedAt.getTime() + to.ttlSeconds * 1000);
  if (s.parentSessionId) {
    const [parent] = await tx.select({ expiresAt: sessions.expiresAt }).from(sessions).where(eq(sessions.id, s.parentSessionId));
    if (parent && parent.expiresAt < expiresAt) expiresAt = parent.expiresAt;
  }
  await tx.update(sessionIntents).set({ status: "accepted" }).where(and(eq(sessionIntents.sessionId, s.id), eq(sessionIntents.version, version)));
  await tx.update(sessions).set({ intent: to, goal: to.goal, intentVersion: version, expiresAt }).where(eq(sessions.id, s.id));
  await ctx.audit("session.intent_widened", { version, expiresAt: expiresAt.toISOString() });
  return version;
}

/** An approved session opening: the agent may start now, for the time it asked. */
export async function openPendingSession(tx: Tx, s: Session, ctx: { audit: Audit; now: Date }) {
  if (s.status !== "pending") throw conflict(`The session is ${s.status}; there is nothing left to approve`);
  const expiresAt = new Date(ctx.now.getTime() + s.intent.ttlSeconds * 1000);
  await tx.update(sessionIntents).set({ status: "accepted" }).where(and(eq(sessionIntents.sessionId, s.id), eq(sessionIntents.version, 1)));
  await tx.update(sessions).set({ status: "active", expiresAt }).where(eq(sessions.id, s.id));
  await ctx.audit("session.approved", { expiresAt: expiresAt.toISOString() });
}

/** Denied or expired: a pending intent version is rejected, a pending session is denied. */
export async function settleUnapproved(tx: Tx, e: Escalation, outcome: "denied" | "expired", now: Date) {
  if (e.kind === "intent_change") {
    const version = (e.action as { version?: number }).version;
    if (typeof version === "number") {
      await tx.update(sessionIntents).set({ status: "rejected" }).where(and(eq(sessionIntents.sessionId, e.sessionId), eq(sessionIntents.version, version), eq(sessionIntents.status, "pending")));
    }
  } else if (e.kind === "session_open") {
    await tx.update(sessionIntents).set({ status: "rejected" }).where(and(eq(sessionIntents.sessionId, e.sessionId), eq(sessionIntents.status, "pending")));
    await tx.update(sessions).set({ status: "denied", endedAt: now, endReason: `Opening ${outcome === "expired" ? "expired unanswered" : "denied by a person"}` }).where(and(eq(sessions.id, e.sessionId), eq(sessions.status, "pending")));
  }
}

/**
 * The session ended: nothing asked in it can be approved any more, so its pending escalations
 * leave the queue (as expired: unanswered, counted as denied) and its unused grants are revoked.
 */
export async function withdrawForSession(tx: Tx, sessionId: string, now: Date, actor: { kind: "agent"; id: string; label: string } | { kind: "system"; label: string }) {
  const withdrawn = await tx
    .update(escalations)
    .set({ status: "expired", resolvedAt: now, resolution: "The session ended before anyone answered" })
    .where(and(eq(escalations.sessionId, sessionId), eq(escalations.status, "pending")))
    .returning({ id: escalations.id, agentId: escalations.agentId, kind: escalations.kind, risk: escalations.risk });
  for (const e of withdrawn) {
    await recordAudit(tx, {
      actor,
      action: "escalation.expired",
      target: { kind: "escalation", id: e.id },
      agentId: e.agentId,
      sessionId,
      detail: { kind: e.kind, risk: e.risk, cause: "session_ended" },
      occurredAt: now,
    });
  }
  await tx.update(grants).set({ revokedAt: now }).where(and(eq(grants.sessionId, sessionId), isNull(grants.revokedAt)));
  return withdrawn.length;
}
