import { and, eq, sql } from "drizzle-orm";
import { DomainError, conflict, invalid, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import type { Person } from "@/lib/domain/person";
import { verifyPassword } from "@/lib/auth/password";
import { clearFailures, isLockedOut, noteFailure } from "@/lib/auth/rate-limit";
import type { Db, Tx } from "@/lib/db/client";
import { agents, escalations, escalationVotes, grants, sessions, users } from "@/lib/db/schema";
import type { ActionShape } from "@/lib/db/schema/decisions";
import { allowedScopes, decisionBlocker, escalationFacts, isHighRisk, narrowestScope, type GrantScope } from "@/lib/policy/separation-of-duties";
import { onceGrantTtlMs } from "./config";
import { amendIntent, applyIntentChange, openPendingSession, settleUnapproved } from "./effects";

export type DecideInput = { vote: "approve" | "deny"; reason: string; scope?: GrantScope; password?: string };
type Meta = { requestId?: string; ip?: string | null };

export type DecideResult = {
  escalation: { id: string; status: "pending" | "approved" | "denied"; approvals: number; requiredApprovals: number; resolution: string | null };
  grant?: { id: string; scope: GrantScope; usesLeft: number | null; expiresAt: string };
  intentVersion?: number;
};

/**
 * A person's vote on an escalation. One deny settles it; approvals count distinct people until
 * the required number (two for high risk) is reached, and only then does anything change for
 * the agent: a grant bound to the exact action, an amended intent, an accepted intent change or
 * an opened session. Separation of duties is checked here, in the transaction that records the
 * vote, so a forged request is refused just like a button that was never shown. Every vote,
 * outcome and side effect is audited in the same transaction.
 */
/** The runtime's parts an approval needs: the database, and the cached session facts it drops. */
export type DecideDeps = { db: Db; facts: { forget(sessionId: string): void } };

export async function decideEscalation({ db, facts }: DecideDeps, person: Person, id: string, input: DecideInput, meta: Meta): Promise<DecideResult> {
  const reason = input.reason.trim();
  if (reason.length < 3) throw invalid("reason", "Say why, in a few words (at least 3 characters)");
  if (input.vote === "approve") await reauthenticateIfHighRisk(db, person, id, input.password, meta);

  let sessionId: string | undefined;
  const result = await db.transaction(async (tx) => {
    const now = new Date();
    const [e] = await tx.select().from(escalations).where(eq(escalations.id, id)).for("update");
    if (!e) throw notFound("Escalation");
    sessionId = e.sessionId;
    const [agent] = await tx.select({ id: agents.id, name: agents.name, ownerId: agents.ownerId, envelope: agents.envelope }).from(agents).where(eq(agents.id, e.agentId));
    const votes = await tx.select({ userId: escalationVotes.userId, vote: escalationVotes.vote, scope: escalationVotes.scope }).from(escalationVotes).where(eq(escalationVotes.escalationId, id));
    const facts = escalationFacts(e, agent?.ownerId, votes);
    const blocked = decisionBlocker(person, facts);
    if (blocked) throw new DomainError("forbidden", blocked);
    if (e.status !== "pending") throw conflict(`This escalation is already ${e.status}`);
    if (e.expiresAt <= now) throw conflict("This escalation has expired; it counts as denied");

    const scopes = allowedScopes(facts);
    const scope = input.vote === "approve" && scopes.length ? (input.scope ?? "once") : null;
    if (input.vote === "approve" && input.scope && !scopes.includes(input.scope)) {
      throw invalid("scope", scopes.length ? `Choose one of: ${scopes.join(", ")}` : "This escalation is approved as asked; it takes no scope");
    }

    const [s] = await tx.select().from(sessions).where(eq(sessions.id, e.sessionId)).for("update");
    if (input.vote === "approve" && e.kind !== "session_open" && (s.status !== "active" || s.expiresAt <= now)) {
      throw conflict(`The session is ${s.expiresAt <= now ? "expired" : s.status}; there is nothing left to approve`);
    }

    await tx.insert(escalationVotes).values({ escalationId: id, userId: person.id, vote: input.vote, scope, reason, createdAt: now });
    const actor = { kind: "person" as const, id: person.id, label: person.email };
    const audit = (action: string, detail: Record<string, unknown>) =>
      recordAudit(tx, { actor, action, target: { kind: "escalation", id }, agentId: e.agentId, sessionId: e.sessionId, detail: { kind: e.kind, risk: e.risk, ...detail }, requestId: meta.requestId, ip: meta.ip, occurredAt: now });
    const approvals = votes.filter((v) => v.vote === "approve").length + (input.vote === "approve" ? 1 : 0);
    const view = (status: DecideResult["escalation"]["status"], resolution: string | null) => ({ id, status, approvals, requiredApprovals: e.requiredApprovals, resolution });

    if (input.vote === "deny") {
      await tx.update(escalations).set({ status: "denied", resolvedAt: now, resolution: reason }).where(eq(escalations.id, id));
      await settleUnapproved(tx, e, "denied", now);
      await audit("escalation.denied", { reason });
      return { escalation: view("denied", reason) } satisfies DecideResult;
    }

    if (approvals < e.requiredApprovals) {
      await audit("escalation.approval_recorded", { reason, scope, approvals, requiredApprovals: e.requiredApprovals });
      return { escalation: view("pending", null) } satisfies DecideResult;
    }

    // Approved. Two approvers who chose different scopes get the narrower one.
    const finalScope = scope ? narrowestScope([...votes.flatMap((v) => (v.vote === "approve" && v.scope ? [v.scope] : [])), scope]) : null;
    const out: DecideResult = { escalation: view("approved", reason) };
    let resolution = reason;
    let grantId: string | null = null;
    if (e.kind === "action" && finalScope && finalScope !== "amend_intent") {
      const expiresAt = finalScope === "once" ? new Date(Math.min(s.expiresAt.getTime(), now.getTime() + onceGrantTtlMs())) : s.expiresAt;
      const [g] = await tx
        .insert(grants)
        .values({ escalationId: id, sessionId: e.sessionId, actionHash: e.actionHash, scope: finalScope, usesLeft: finalScope === "once" ? 1 : null, expiresAt, createdAt: now })
        .returning();
      grantId = g.id;
      out.grant = { id: g.id, scope: finalScope, usesLeft: g.usesLeft, expiresAt: g.expiresAt.toISOString() };
    } else if (e.kind === "action") {
      out.intentVersion = await amendIntent(tx, s, agent.envelope, e.action as ActionShape, { person, audit, now });
      resolution = `${reason} (intent amended to v${out.intentVersion})`;
    } else if (e.kind === "intent_change") {
      out.intentVersion = await applyIntentChange(tx, s, e.action as Record<string, unknown>, { audit, now });
    } else {
      await openPendingSession(tx, s, { audit, now });
    }
    await tx.update(escalations).set({ status: "approved", resolvedAt: now, resolution, grantId }).where(eq(escalations.id, id));
    await audit("escalation.approved", { reason, scope: finalScope, approvals, requiredApprovals: e.requiredApprovals, grantId, intentVersion: out.intentVersion ?? null });
    out.escalation.resolution = resolution;
    return out;
  });
  // An approval may have changed the session's intent or status: drop this process's cached copy.
  if (sessionId) facts.forget(sessionId);
  return result;
}

/**
 * High-risk approvals ask the approver to prove, again, that they are who the session says:
 * a stolen browser session or token alone cannot release restricted data or send it out.
 * Failures count toward the same lockout as sign-in and are audited.
 */
async function reauthenticateIfHighRisk(db: Db, person: Person, id: string, password: string | undefined, meta: Meta) {
  const [e] = await db.select({ requiredApprovals: escalations.requiredApprovals, agentId: escalations.agentId, sessionId: escalations.sessionId }).from(escalations).where(eq(escalations.id, id));
  if (!e || !isHighRisk(e)) return;
  if (!password) throw invalid("password", "Re-enter your password to approve a high-risk escalation");
  const keys = [`reauth:${person.id}`];
  if (isLockedOut(keys)) throw new DomainError("rate_limited", "Too many wrong passwords; try again later");
  const [u] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, person.id));
  if (u && (await verifyPassword(password, u.passwordHash))) {
    clearFailures(keys);
    return;
  }
  noteFailure(keys);
  await db.transaction((tx: Tx) =>
    recordAudit(tx, {
      actor: { kind: "person", id: person.id, label: person.email },
      action: "escalation.reauthentication_failed",
      target: { kind: "escalation", id },
      agentId: e.agentId,
      sessionId: e.sessionId,
      detail: {},
      requestId: meta.requestId,
      ip: meta.ip,
    }),
  );
  throw new DomainError("forbidden", "The password is not correct; the approval was not recorded");
}

/** Unanswered past their expiry: expired, which counts as denied, each with its audit event. */
export async function expireEscalations(db: Db, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(escalations)
      .where(and(eq(escalations.status, "pending"), sql`${escalations.expiresAt} <= ${now}`))
      .orderBy(escalations.expiresAt)
      .limit(200)
      .for("update", { skipLocked: true });
    for (const e of due) {
      const resolution = "No one answered in time; it counts as denied";
      await tx.update(escalations).set({ status: "expired", resolvedAt: now, resolution }).where(eq(escalations.id, e.id));
      await settleUnapproved(tx, e, "expired", now);
      await recordAudit(tx, {
        actor: { kind: "system", label: "escalation expiry" },
        action: "escalation.expired",
        target: { kind: "escalation", id: e.id },
        agentId: e.agentId,
        sessionId: e.sessionId,
        detail: { kind: e.kind, risk: e.risk, expiresAt: e.expiresAt.toISOString() },
        occurredAt: now,
      });
    }
    return due.length;
  });
}
