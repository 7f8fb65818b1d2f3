import { randomUUID } from "node:crypto";
import { desc, eq, lt, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as auditRoute from "../../app/api/v1/audit/route";
import * as verifyRoute from "../../app/api/v1/audit/verify/route";
import { recordAudit, recordAuditMany, type AuditInput } from "../../lib/audit/record";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle, Db } from "../../lib/db/client";
import { AUDIT_COUNT_CAP, auditListSchema, listAudit } from "../../lib/db/queries/audit";
import { auditEvents } from "../../lib/db/schema";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const secrets: string[] = [];
const call = routeCaller((text) => {
  for (const s of secrets) expect(text).not.toContain(s);
});
const H = (h: unknown) => h as RouteHandler;

/** Rewrites history the way an attacker with table-owner rights could: triggers off, change, triggers on. */
async function tamper(db: Db, change: (tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) => Promise<unknown>) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
    await change(tx);
    await tx.execute(sql`alter table audit_events enable trigger audit_events_append_only`);
  });
}

/** Appends `n` correctly chained events in a few multi-row inserts (recordAudit one by one is slow). */
async function appendChained(db: Db, n: number, action: string) {
  const t0 = Date.now();
  await recordAuditMany(db, Array.from({ length: n }, (_, i) => ({ actor: { kind: "system" as const, label: "bulk" }, action, detail: { i }, occurredAt: new Date(t0 + i) })));
}

describe.each(DB_KINDS)("the audit trail on %s", (kind) => {
  let h: DatabaseHandle;
  let auditor: string;
  let analyst: string;
  let approver: string;
  const agentA = randomUUID();
  const agentB = randomUUID();
  const session1 = randomUUID();
  const carol = { kind: "person" as const, id: randomUUID(), label: "carol@warden.test" };
  const seqOf: Record<string, number> = {};

  const list = (query: string, token = auditor) => call(H(auditRoute.GET), { token, path: `/api/v1/audit?${query}` });
  const verify = (token = auditor) => call(H(verifyRoute.POST), { token, method: "POST", path: "/api/v1/audit/verify" });
  const record = async (name: string, input: AuditInput) => {
    const { id } = await recordAudit(h.db, input);
    const [row] = await h.db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.id, id));
    seqOf[name] = row.seq;
  };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    auditor = (await personWithToken(h.db, "auditor@warden.test", "auditor")).token;
    analyst = (await personWithToken(h.db, "analyst@warden.test", "analyst")).token;
    approver = (await personWithToken(h.db, "approver@warden.test", "approver")).token;
    secrets.push(auditor, analyst, approver);
    const system = { kind: "system" as const, label: "test" };
    const botA = { kind: "agent" as const, id: agentA, label: "release-bot" };
    const botB = { kind: "agent" as const, id: agentB, label: "other-bot" };
    await record("oldest", { actor: system, action: "policy.guardrails_installed", occurredAt: new Date("2020-01-01T12:00:00Z") });
    await record("agentA", { actor: system, action: "agent.created", target: { kind: "agent", id: agentA }, agentId: agentA });
    await record("agentB", { actor: system, action: "agent.created", target: { kind: "agent", id: agentB }, agentId: agentB });
    await record("opened", { actor: botA, action: "session.opened", target: { kind: "session", id: session1 }, agentId: agentA, sessionId: session1 });
    for (const n of [1, 2, 3]) {
      await record(`allow${n}`, { actor: botA, action: "decision.allow", target: { kind: "decision", id: randomUUID() }, agentId: agentA, sessionId: session1, detail: { n } });
    }
    await record("deny", { actor: botB, action: "decision.deny", target: { kind: "decision", id: randomUUID() }, agentId: agentB, detail: { reasons: ["out_of_intent"] } });
    await record("revoke", { actor: carol, action: "credential.revoked", target: { kind: "credential", id: randomUUID() }, detail: { reason: "100% rotated" }, requestId: "req-1", ip: "10.0.0.1" });
  });
  afterAll(async () => h?.close());

  const seqs = (r: { body: { items: { seq: number }[] } }) => r.body.items.map((e) => e.seq);
  const desc_ = (xs: number[]) => [...xs].sort((a, b) => b - a);

  it("refuses anyone without readAudit: no token 401, an approver 403", async () => {
    expect((await call(H(auditRoute.GET), { path: "/api/v1/audit" })).status).toBe(401);
    expect((await call(H(verifyRoute.POST), { method: "POST", path: "/api/v1/audit/verify" })).status).toBe(401);
    expect((await list("", "wdn_pat_" + "A".repeat(43))).status).toBe(401);
    const denied = await list("", approver);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");
    expect((await verify(approver)).status).toBe(403);
    expect((await list("", analyst)).status).toBe(200);
  });

  it("lists newest first by seq with a full row per event", async () => {
    const r = await list("");
    expect(r.status).toBe(200);
    expect(seqs(r)).toEqual(desc_(seqs(r)));
    expect(r.body.totalCapped).toBe(false);
    const top = r.body.items[0];
    expect(top.seq).toBe(seqOf.revoke);
    expect(top).toMatchObject({ action: "credential.revoked", actorKind: "person", actorLabel: "carol@warden.test", requestId: "req-1", ip: "10.0.0.1" });
    expect(top.detail).toEqual({ reason: "100% rotated" });
    expect(top.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(top.prevHash).toBe(r.body.items[1].hash);
  });

  it("filters by agent, session, actor, action prefix, search, time and seq", async () => {
    const byAgent = await list(`agentId=${agentA}`);
    expect(seqs(byAgent)).toEqual(desc_([seqOf.agentA, seqOf.opened, seqOf.allow1, seqOf.allow2, seqOf.allow3]));
    expect(byAgent.body.total).toBe(5);
    expect(seqs(await list(`sessionId=${session1}`))).toEqual(desc_([seqOf.opened, seqOf.allow1, seqOf.allow2, seqOf.allow3]));
    expect(seqs(await list(`actorId=${carol.id}`))).toEqual([seqOf.revoke]);
    expect(seqs(await list("actorKind=agent"))).toEqual(desc_([seqOf.opened, seqOf.allow1, seqOf.allow2, seqOf.allow3, seqOf.deny]));
    expect(seqs(await list("action=decision."))).toEqual(desc_([seqOf.allow1, seqOf.allow2, seqOf.allow3, seqOf.deny]));
    expect(seqs(await list("action=decision.deny"))).toEqual([seqOf.deny]);
    expect(seqs(await list(`action=agent.&agentId=${agentB}`))).toEqual([seqOf.agentB]);
    // Search covers action, actor label and target id; LIKE metacharacters are literal.
    expect(seqs(await list("q=CAROL"))).toEqual([seqOf.revoke]);
    expect(seqs(await list(`q=${agentB}`))).toEqual([seqOf.agentB]);
    expect(seqs(await list("q=guardrails"))).toEqual([seqOf.oldest]);
    expect((await list("q=%25")).body.total).toBe(0);
    expect((await list("q=decision_")).body.total).toBe(0);
    // from is inclusive, to exclusive.
    expect(seqs(await list("from=2019-12-31T00:00:00Z&to=2020-01-02T00:00:00Z"))).toEqual([seqOf.oldest]);
    expect((await list("to=2020-01-01T12:00:00Z")).body.total).toBe(0);
    expect(seqs(await list(`seq=${seqOf.deny}`))).toEqual([seqOf.deny]);
    const upTo = await list(`toSeq=${seqOf.opened}`);
    expect(seqs(upTo)[0]).toBe(seqOf.opened);
    expect(seqs(upTo).every((s) => s <= seqOf.opened)).toBe(true);
  });

  it("pages and rejects bad input with a 400 naming the field", async () => {
    const p2 = await list(`agentId=${agentA}&pageSize=2&page=2`);
    expect(p2.body).toMatchObject({ total: 5, totalCapped: false, page: 2, pageSize: 2 });
    expect(seqs(p2)).toEqual(desc_([seqOf.agentA, seqOf.opened, seqOf.allow1, seqOf.allow2, seqOf.allow3]).slice(2, 4));
    for (const bad of ["agentId=nope", "actorKind=robot", "from=yesterday", "action=decision.%25", "page=201&pageSize=50"]) {
      const r = await list(bad);
      expect(r.status, bad).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
    }
    expect((await list("page=200&pageSize=50")).status).toBe(200);
  });

  it("verifies an intact chain and reports its length and head", async () => {
    const r = await verify();
    expect(r.status).toBe(200);
    const [head] = await h.db.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
    const n = (await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n;
    expect(r.body).toMatchObject({ ok: true, events: n, head: head.hash });
    expect(typeof r.body.durationMs).toBe("number");
    expect(r.body).not.toHaveProperty("break");
  });

  it("caps the count beyond 10,000 matching events and still verifies them all", async () => {
    await appendChained(h.db, AUDIT_COUNT_CAP + 5, "bulk.appended");
    const all = await list("");
    expect(all.body).toMatchObject({ total: AUDIT_COUNT_CAP, totalCapped: true });
    expect(all.body.items).toHaveLength(50);
    expect(all.body.items[0].action).toBe("bulk.appended");
    const bulk = await list("action=bulk.&page=200");
    expect(bulk.body).toMatchObject({ total: AUDIT_COUNT_CAP, totalCapped: true, page: 200 });
    expect(bulk.body.items).toHaveLength(50);
    // Filters still count exactly below the cap.
    expect((await list("action=decision.")).body).toMatchObject({ total: 4, totalCapped: false });
    // Unindexed filters count only within the newest events (a small window here) and say "at least";
    // a short page is the end of the walk and so exact. Three token.created plus carol's revocation.
    const people = (o: object) => listAudit(h.db, auditListSchema.parse({ actorKind: "person", ...o }), 1000);
    expect(await people({ pageSize: "2" })).toMatchObject({ total: 2, totalCapped: true, items: [{ seq: seqOf.revoke }, {}] });
    expect(await people({})).toMatchObject({ total: 4, totalCapped: false });
    // Concurrent verifications share one walk and one answer.
    const [a, b] = await Promise.all([verify(), verify(analyst)]);
    expect(a.body.ok).toBe(true);
    expect({ ...b.body, durationMs: 0 }).toEqual({ ...a.body, durationMs: 0 });
    expect(a.body.events).toBe((await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n);
  });

  it("points at exactly the edited event after someone rewrites its detail", async () => {
    const [victim] = await h.db.select().from(auditEvents).where(eq(auditEvents.seq, seqOf.deny));
    await tamper(h.db, (tx) => tx.update(auditEvents).set({ detail: { reasons: [] } }).where(eq(auditEvents.seq, seqOf.deny)));
    // The trigger is back: the table refuses changes again.
    const refused = await h.db.update(auditEvents).set({ ip: "x" }).where(eq(auditEvents.seq, seqOf.deny)).catch((e) => e);
    expect(refused).toBeInstanceOf(Error);
    const r = await verify();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: false, break: { seq: seqOf.deny, id: victim.id, problem: "hash_mismatch" } });
    // Everything before the edited event still verifies, and is counted.
    const [{ before }] = await h.db.select({ before: sql<number>`count(*)::int` }).from(auditEvents).where(lt(auditEvents.seq, seqOf.deny));
    expect(r.body.events).toBe(before);
    expect(r.body).not.toHaveProperty("head");
    expect(typeof r.body.durationMs).toBe("number");
    // The UI's "show that event" link filters to it.
    expect(seqs(await list(`toSeq=${r.body.break.seq}`))[0]).toBe(seqOf.deny);

    // Put it back: the chain verifies again, so the break was that edit and nothing else.
    await tamper(h.db, (tx) => tx.update(auditEvents).set({ detail: victim.detail }).where(eq(auditEvents.seq, seqOf.deny)));
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it("points at the event after a removed one with prev_hash_mismatch", async () => {
    await tamper(h.db, (tx) => tx.delete(auditEvents).where(eq(auditEvents.seq, seqOf.allow2)));
    const r = await verifyAuditChain(h.db);
    expect(r).toMatchObject({ ok: false, break: { seq: seqOf.allow3, problem: "prev_hash_mismatch" } });
  });
});
