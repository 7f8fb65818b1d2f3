import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GroupWriter, type DecisionRow, type Submission } from "../../lib/audit/group-writer";
import { recordAudit } from "../../lib/audit/record";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, decisions, sessions } from "../../lib/db/schema";
import { revokeCredential } from "../../lib/services/credentials/revoke";
import { DB_KINDS, openTestDatabase } from "./db";
import { writerFixtures } from "./writer-fixtures";

const count = async (h: DatabaseHandle, t: typeof decisions | typeof auditEvents) =>
  (await h.db.select({ n: sql<number>`count(*)::int` }).from(t))[0].n;

describe.each(DB_KINDS)("group commit on %s", (kind) => {
  let h: DatabaseHandle;
  let agentId: string;
  let sessionId: string;
  let credentialId: string;
  beforeAll(async () => {
    h = await openTestDatabase(kind);
    ({ agentId, sessionId, credentialId } = await writerFixtures(h.db, "writer-bot"));
  });
  afterAll(async () => h?.close());

  const submission = (outcome: "allow" | "deny", extra: Partial<Submission> = {}): Submission => {
    const decision: DecisionRow = { id: randomUUID(), sessionId, agentId, connector: "github", tool: "issues", operation: "read", outcome, reasons: [], createdAt: new Date() };
    return {
      decision,
      audit: { actor: { kind: "agent", id: agentId, label: "writer-bot" }, action: `decision.${outcome}`, target: { kind: "decision", id: decision.id }, agentId, sessionId },
      ...extra,
    };
  };

  it("commits many concurrent decisions in few transactions, chained and counted", async () => {
    const w = new GroupWriter(h.db, { maxBatch: 64, maxDelayMs: 2 });
    const subs = Array.from({ length: 300 }, (_, i) => submission(i % 10 === 0 ? "deny" : "allow"));
    const results = await Promise.all(subs.map((s) => w.submit(s)));
    expect(results.map((r) => r.decision.id)).toEqual(subs.map((s) => s.decision.id));
    expect(await count(h, decisions)).toBe(300);
    expect(await count(h, auditEvents)).toBe(300);
    const [s] = await h.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(s.decisionCount).toBe(300);
    expect(s.denyCount).toBe(30);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true, events: 300 });
  });

  it("interleaves with people's audited changes without breaking the chain", async () => {
    const w = new GroupWriter(h.db, { maxBatch: 16, maxDelayMs: 1 });
    const people = Array.from({ length: 20 }, (_, i) =>
      recordAudit(h.db, { actor: { kind: "person", id: randomUUID(), label: `p${i}@x` }, action: "agent.updated", detail: { i } }),
    );
    const machines = Array.from({ length: 100 }, () => w.submit(submission("allow")));
    await Promise.all([...people, ...machines]);
    const v = await verifyAuditChain(h.db);
    expect(v, JSON.stringify(v)).toMatchObject({ ok: true, events: 420 });
  });

  it("writes nothing for a submission whose credential was revoked before the batch committed, and the rest of the batch", async () => {
    await revokeCredential(h.db, { actor: { kind: "person", id: randomUUID(), label: "analyst@x" } }, credentialId, "leaked");
    const w = new GroupWriter(h.db, { maxDelayMs: 5 });
    const stale = submission("allow", { requires: { credentialId, sessionId, agentId } });
    const other = submission("deny"); // needs nothing to hold: committed in the same batch
    const [r, o] = await Promise.all([w.submit(stale), w.submit(other)]);
    expect(r).toMatchObject({ violation: "credential.revoked", auditId: null });
    expect(await h.db.select().from(decisions).where(eq(decisions.id, stale.decision.id))).toEqual([]);
    expect(o.violation).toBeUndefined();
    const [ev] = await h.db.select().from(auditEvents).where(eq(auditEvents.id, o.auditId!));
    expect(ev).toMatchObject({ action: "decision.deny", targetId: other.decision.id });
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });

  it("fails the whole batch closed and writes nothing from it when any row cannot be written", async () => {
    const before = [await count(h, decisions), await count(h, auditEvents)];
    const w = new GroupWriter(h.db, { maxDelayMs: 5 });
    const good = submission("allow");
    const bad = submission("allow");
    bad.decision.sensitivity = "top-secret" as "restricted"; // not a value of the enum: the insert fails
    const results = await Promise.allSettled([w.submit(good), w.submit(bad)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect([await count(h, decisions), await count(h, auditEvents)]).toEqual(before);
    // The writer keeps working after a failed batch.
    await w.submit(submission("allow"));
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });
});
