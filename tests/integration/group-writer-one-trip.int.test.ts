import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GroupWriter, type DecisionRow, type Submission } from "../../lib/audit/group-writer";
import { recordAudit } from "../../lib/audit/record";
import { verifyAuditChain } from "../../lib/audit/verify";
import { rows, type DatabaseHandle } from "../../lib/db/client";
import { agents, auditEvents, credentials, decisions, sessions } from "../../lib/db/schema";
import { DB_KINDS, openTestDatabase } from "./db";
import { writerFixtures } from "./writer-fixtures";

// The one-round-trip batch (warden_commit_batch, migration 0012): used once the writer knows
// the chain head, refused (writing nothing) whenever the head or a precondition moved, and then
// the two-step path writes the submissions whose preconditions hold and names the violation of
// each of the others, writing nothing for it (the decision path records what follows).
describe.each(DB_KINDS)("group commit in one round trip on %s", (kind) => {
  let h: DatabaseHandle;
  let agentId: string;
  let sessionId: string;
  let credentialId: string;
  beforeAll(async () => {
    h = await openTestDatabase(kind);
  });
  afterAll(async () => h?.close());

  // Each test gets its own agent, session and key, so a quarantine or intent change stays local.
  async function fixtures() {
    ({ agentId, sessionId, credentialId } = await writerFixtures(h.db));
  }

  const submission = (outcome: "allow" | "deny", guarded = true, ids = { agentId, sessionId, credentialId }): Submission => {
    const { agentId, sessionId, credentialId } = ids;
    const decision: DecisionRow = { id: randomUUID(), sessionId, agentId, connector: "github", tool: "issues", operation: "read", outcome, reasons: [], createdAt: new Date() };
    const audit = { actor: { kind: "agent" as const, id: agentId, label: "bot" }, action: `decision.${outcome}`, target: { kind: "decision", id: decision.id }, agentId, sessionId };
    return {
      decision,
      audit,
      requires: guarded ? { agentId, sessionId, credentialId, intentVersion: 1 } : undefined,
    };
  };

  it("sends batches in one round trip once it knows the chain head, several on their way at once", async () => {
    await fixtures();
    const w = new GroupWriter(h.db, { maxBatch: 8 });
    await w.submit(submission("allow")); // learns the head
    expect(w.stats).toEqual({ oneTrip: 0, twoStep: 1, refused: 0, pipelined: 0 });
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => w.submit(submission(i % 4 ? "allow" : "deny"))));
    expect(results.every((r) => r.auditId && !r.violation)).toBe(true);
    if (kind === "postgres") {
      // At most 8 per batch: at least 15 batches, all in one round trip.
      expect(w.stats.oneTrip).toBeGreaterThanOrEqual(15);
      expect(w.stats.twoStep).toBe(1);
      expect(w.stats.pipelined).toBeGreaterThan(0); // batches of 8: under load, two on their way
    } else {
      expect(w.stats.oneTrip).toBe(0); // in-process: no round trips to save
    }
    const [s] = await h.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect([s.decisionCount, s.denyCount]).toEqual([121, 30]);
    const ids = results.map((r) => r.auditId!);
    const written = await h.db.select({ id: auditEvents.id, targetId: auditEvents.targetId }).from(auditEvents).where(sql`${auditEvents.id} = any(${`{${ids.join(",")}}`}::uuid[])`);
    expect(new Map(written.map((e) => [e.id, e.targetId]))).toEqual(new Map(results.map((r) => [r.auditId!, r.decision.id])));
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it("lets a batch fill up under load but never leaves a submission waiting", async () => {
    await fixtures();
    const w = new GroupWriter(h.db, { fillWaitMs: 20 });
    await w.submit(submission("allow"));
    // Bursts of different sizes, then a lone decision right after a big one (whose fill target
    // it cannot meet): every submission is committed, in fewer transactions than submissions.
    const sizes = [40, 3, 25, 1, 60, 2, 1];
    let total = 1;
    for (const n of sizes) {
      const results = await Promise.all(Array.from({ length: n }, () => w.submit(submission("allow"))));
      expect(results.every((r) => r.auditId && !r.violation)).toBe(true);
      total += n;
    }
    const lone = await w.submit(submission("deny"));
    expect(lone.auditId).toBeTruthy();
    total += 1;
    const transactions = w.stats.oneTrip + w.stats.twoStep;
    expect(transactions).toBeLessThan(total / 4);
    const [s] = await h.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(s.decisionCount).toBe(total);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it("writes nothing in one trip when the agent was quarantined meanwhile; the two-step path names the violation", async () => {
    await fixtures();
    const w = new GroupWriter(h.db);
    await w.submit(submission("allow"));
    // Straight in the table: no audit event, so the chain head the writer expects still holds.
    await h.db.update(agents).set({ status: "quarantined" }).where(eq(agents.id, agentId));
    const stale = submission("allow");
    const r = await w.submit(stale);
    expect(r).toMatchObject({ violation: "agent.not_active", auditId: null });
    if (kind === "postgres") expect(w.stats).toMatchObject({ oneTrip: 0, twoStep: 2, refused: 1 });
    expect(await h.db.select().from(decisions).where(eq(decisions.id, stale.decision.id))).toEqual([]);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it("writes nothing in one trip when the agent's key was revoked meanwhile; the two-step path names the violation", async () => {
    await fixtures();
    const w = new GroupWriter(h.db);
    await w.submit(submission("allow"));
    await h.db.update(credentials).set({ revokedAt: new Date() }).where(eq(credentials.id, credentialId));
    const stale = submission("allow");
    const r = await w.submit(stale);
    expect(r).toMatchObject({ violation: "credential.revoked", auditId: null });
    if (kind === "postgres") expect(w.stats).toMatchObject({ oneTrip: 0, twoStep: 2, refused: 1 });
    expect(await h.db.select().from(decisions).where(eq(decisions.id, stale.decision.id))).toEqual([]);
  });

  it("names a changed intent under the batch, writing nothing for the stale decision", async () => {
    await fixtures();
    const w = new GroupWriter(h.db);
    await w.submit(submission("allow"));
    await h.db.update(sessions).set({ intentVersion: 2 }).where(eq(sessions.id, sessionId));
    const stale = submission("allow");
    const r = await w.submit(stale);
    expect(r).toMatchObject({ violation: "session.intent_changed", auditId: null });
    expect(await h.db.select().from(decisions).where(eq(decisions.id, stale.decision.id))).toEqual([]);
    if (kind === "postgres") expect(w.stats.refused).toBe(1);
  });

  it("after someone else moved the head once, goes back to one trip at the next batch", async () => {
    await fixtures();
    const w = new GroupWriter(h.db);
    await w.submit(submission("allow")); // two-step: learns the head
    await w.submit(submission("allow")); // one trip
    // A person's change (or a background job's finding) moves the head, as happens now and then.
    await recordAudit(h.db, { actor: { kind: "person", id: randomUUID(), label: "p@x" }, action: "agent.updated", agentId });
    await w.submit(submission("allow")); // refused, then two-step: learns the new head
    await w.submit(submission("allow")); // one trip again, no pause
    await w.submit(submission("allow"));
    if (kind === "postgres") expect(w.stats).toMatchObject({ oneTrip: 3, twoStep: 2, refused: 1 });
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it("stops trying one trip for a while when another writer keeps moving the head", async () => {
    await fixtures();
    const [w1, w2] = [new GroupWriter(h.db), new GroupWriter(h.db)];
    await w1.submit(submission("allow")); // both learn the head by the two-step path
    await w2.submit(submission("allow"));
    await w1.submit(submission("allow")); // w2 moved the head: refused, then two-step
    await w2.submit(submission("allow")); // w1 moved it: refused, then two-step
    await w1.submit(submission("allow")); // moved again: refused a second time within seconds…
    await w1.submit(submission("allow")); // …so straight to two-step: no third refusal
    await w2.submit(submission("allow"));
    if (kind === "postgres") {
      expect(w1.stats).toMatchObject({ oneTrip: 0, twoStep: 4, refused: 2 });
      expect(w2.stats).toMatchObject({ oneTrip: 0, twoStep: 3, refused: 2 });
    }
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it("after a refusal with batches chained behind it, goes back to one trip at once (no pause, no stale head)", async () => {
    await fixtures();
    const other = await writerFixtures(h.db);
    const w = new GroupWriter(h.db, { maxBatch: 8 });
    await w.submit(submission("allow"));
    const burst = (stale = new Set<number>()) => Promise.all(Array.from({ length: 64 }, (_, i) => w.submit(submission("allow", true, stale.has(i) ? other : undefined))));
    await burst(); // batches of 8: from here on, a batch is sent while the one before is on its way
    // The other session's intent moved (straight in the table: the chain head stays). Its
    // decisions, in the middle of a burst, make one batch fail its preconditions while the
    // next one, hashed onto it, is already on its way and is refused for the head.
    await h.db.update(sessions).set({ intentVersion: 2 }).where(eq(sessions.id, other.sessionId));
    const mixed = await burst(new Set([40, 41, 42]));
    expect(mixed.filter((r) => r.violation === "session.intent_changed" && r.auditId === null).length).toBe(3);
    expect(mixed.filter((r) => r.auditId && !r.violation).length).toBe(61);
    if (kind !== "postgres") return;
    expect(w.stats.refused).toBeGreaterThanOrEqual(2);
    const { refused, twoStep } = w.stats;
    // No other writer moved the head: the next batches go in one trip right away (no pause for
    // a second), hashed onto the head the two-step batches left (none of them is refused).
    const fresh = await burst();
    expect(fresh.every((r) => r.auditId && !r.violation)).toBe(true);
    expect(w.stats).toMatchObject({ refused, twoStep });
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it("refuses a batch hashed onto a head that is no longer the chain's head", async () => {
    if (kind !== "postgres") return; // the function is the same on PGlite; the writer never sends it there
    await fixtures();
    const before = rows<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from audit_events`))[0].n;
    const decision = { id: randomUUID(), session_id: sessionId, agent_id: agentId, connector: "github", tool: "issues", operation: "read", outcome: "allow", reasons: [], created_at: new Date() };
    const event = { id: randomUUID(), occurredAt: new Date(), actorKind: "agent", actorId: agentId, actorLabel: "bot", action: "decision.allow", detail: {}, prevHash: "f".repeat(64), hash: "e".repeat(64) };
    const [{ outcome }] = rows<{ outcome: string }>(
      await h.db.execute(
        sql`select warden_commit_batch(${"f".repeat(64)}, now(), '{}'::uuid[], '{}'::uuid[], ${`{${sessionId}}`}::uuid[], '{}'::uuid[], '{}'::integer[], '[]'::json, ${JSON.stringify([decision])}::json, '[]'::json, ${JSON.stringify([event])}::json) as outcome`,
      ),
    );
    expect(outcome).toBe("head");
    expect(rows<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from audit_events`))[0].n).toBe(before);
    expect(await h.db.select().from(decisions).where(eq(decisions.id, decision.id))).toEqual([]);
  });
});
