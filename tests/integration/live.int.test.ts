import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as streamRoute from "../../app/api/v1/stream/route";
import * as timelineRoute from "../../app/api/v1/sessions/[id]/timeline/route";
import { GroupWriter, type Submission } from "../../lib/audit/group-writer";
import { recordAudit, recordAuditMany } from "../../lib/audit/record";
import { rows } from "../../lib/db/client";
import { agents, sessions } from "../../lib/db/schema";
import type { Change } from "../../lib/realtime/hub";
import { listSessions, sessionListSchema } from "../../lib/db/queries/sessions";
import { escalations } from "../../lib/db/schema";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";
import { collect, feedSettled } from "./feed-barrier";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const call = routeCaller(() => {});
const H = (h: unknown) => h as RouteHandler;

describe.each(DB_KINDS)("live views on %s", (kind) => {
  let h: TestDatabase;
  let agentId: string;
  let sessionId: string;
  let otherSession: string;
  let token: string;
  let writer: GroupWriter;

  const decision = (sid: string, at: Date, outcome: "allow" | "deny" = "allow"): Submission => {
    const id = randomUUID();
    return {
      decision: { id, sessionId: sid, agentId, connector: "github", tool: "issues", operation: outcome === "allow" ? "read" : "write", outcome, reasons: [], createdAt: at },
      audit: { actor: { kind: "agent", id: agentId, label: "live-bot" }, action: `decision.${outcome}`, target: { kind: "decision", id }, agentId, sessionId: sid, occurredAt: at },
    };
  };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    const [a] = await h.db.insert(agents).values({ name: "live-bot", identity: `spiffe://t/live-${kind}`, identityKind: "spiffe", team: "t", riskTier: "low", envelope: { actions: ["*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } }).returning();
    agentId = a.id;
    const mk = async () =>
      (await h.db.insert(sessions).values({ agentId, status: "active", goal: "g", intent: { goal: "g", actions: ["*"], maxSensitivity: "internal", ttlSeconds: 3600 }, expiresAt: new Date(Date.now() + 3600_000) }).returning())[0].id;
    sessionId = await mk();
    otherSession = await mk();
    token = (await personWithToken(h.db, `analyst-live-${kind}@example.com`, "analyst")).token;
    writer = new GroupWriter(h.db);
  });
  afterAll(async () => h?.close());

  it("feeds every committed audit append to listeners, naming sessions and agents, and nothing rolled back", async () => {
    const seen: Change[] = [];
    const stop = await h.rt.feed.subscribe(collect(seen));
    await writer.submit(decision(sessionId, new Date()));
    await recordAudit(h.db, { actor: { kind: "person", id: randomUUID(), label: "p@x" }, action: "agent.updated", agentId });
    await h.db.transaction(async (tx) => {
      await recordAudit(tx, { actor: { kind: "system", label: "t" }, action: "never.committed", sessionId: otherSession });
      tx.rollback();
    }).catch(() => {});
    await feedSettled(h);
    stop();
    expect(seen.some((c) => c.sessions.includes(sessionId) && c.actions.includes("decision.allow"))).toBe(true);
    expect(seen.some((c) => c.agents.includes(agentId) && c.actions.includes("agent.updated"))).toBe(true);
    expect(seen.some((c) => c.actions.includes("never.committed"))).toBe(false);
  });

  it("says an append was truncated when it names more sessions or actions than the notice holds", async () => {
    const seen: Change[] = [];
    const stop = await h.rt.feed.subscribe(collect(seen));
    const actor = { kind: "system" as const, label: "bulk" };
    // One statement: 45 sessions (more than 40), then 21 distinct actions (more than 20).
    await recordAuditMany(h.db, Array.from({ length: 45 }, () => ({ actor, action: "bulk.sessions", sessionId: randomUUID() })));
    await recordAuditMany(h.db, Array.from({ length: 21 }, (_, i) => ({ actor, action: `bulk.action-${i}` })));
    await recordAuditMany(h.db, [{ actor, action: "bulk.small", sessionId }]);
    await feedSettled(h);
    stop();
    const many = seen.find((c) => c.actions.includes("bulk.sessions"))!;
    expect(many).toMatchObject({ n: 45, truncated: true });
    expect(many.sessions).toHaveLength(40);
    const actions = seen.find((c) => c.actions.some((a) => a.startsWith("bulk.action-")))!;
    expect(actions).toMatchObject({ n: 21, truncated: true });
    expect(actions.actions).toHaveLength(20);
    expect(seen.find((c) => c.actions.includes("bulk.small"))).toMatchObject({ n: 1, sessions: [sessionId], agents: [], truncated: false });
  });

  // The writer's one-trip batches (Postgres) skip the trigger and announce themselves, at most
  // once per interval (lib/audit/feed-coalescer.ts, migration 0017). PGlite has no such batches.
  it.skipIf(kind !== "postgres")("announces a burst of decision batches in a few notices that account for every event", async () => {
    const w = new GroupWriter(h.db, { maxBatch: 4 });
    await w.submit(decision(sessionId, new Date())); // learns the chain head (two-step, via the trigger)
    await feedSettled(h); // that notice is delivered before we listen
    const seen: Change[] = [];
    const stop = await h.rt.feed.subscribe(collect(seen));
    const before = w.stats.oneTrip;
    const targets = [sessionId, otherSession];
    const started = Date.now();
    // 240 decisions in waves over ~0.5 s, in batches of at most 4: dozens of batches.
    for (let wave = 0; wave < 12; wave++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => w.submit(decision(targets[i % 2], new Date(), i % 5 ? "allow" : "deny"))));
      await new Promise((r) => setTimeout(r, 40));
    }
    await w.drain(); // sends what is still pending
    const elapsed = Date.now() - started;
    await feedSettled(h);
    stop();
    const batches = w.stats.oneTrip - before;
    expect(batches).toBeGreaterThanOrEqual(60);
    const notices = seen.filter((c) => c.actions.some((a) => a.startsWith("decision.")));
    // One notice at once, then at most one per 100 ms, plus the drain's; the trigger sent one per
    // batch. Bound by the burst's own duration, so a slow machine cannot make it fail.
    expect(notices.length).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 2);
    expect(notices.length).toBeLessThan(batches); // coalesced, however long the burst took
    expect(notices.reduce((sum, c) => sum + c.n, 0)).toBe(240); // every event, none twice
    expect(new Set(notices.flatMap((c) => c.sessions))).toEqual(new Set(targets));
    expect(new Set(notices.flatMap((c) => c.actions))).toEqual(new Set(["decision.allow", "decision.deny"]));
    expect(notices.every((c) => c.agents.includes(agentId) && !c.truncated && c.seq > 0)).toBe(true);
  });

  it.skipIf(kind !== "postgres")("sends a batch's notice with the batch after a quiet spell, and holds later ones for the interval", async () => {
    const w = new GroupWriter(h.db, { feedIntervalMs: 60_000 }); // no timer fires in this test
    await w.submit(decision(sessionId, new Date())); // learns the chain head
    await feedSettled(h); // that notice is delivered before we listen
    const seen: Change[] = [];
    const stop = await h.rt.feed.subscribe(collect(seen));
    try {
      await w.submit(decision(sessionId, new Date(), "deny"));
      expect(w.stats.oneTrip).toBe(1);
      await feedSettled(h);
      // Carried by its own batch, in its transaction: the notice's seq is that batch's event.
      const [{ seq }] = rows<{ seq: string }>(await h.db.execute(sql`select max(seq)::text as seq from audit_events`));
      expect(seen).toEqual([{ n: 1, seq: Number(seq), sessions: [sessionId], agents: [agentId], actions: ["decision.deny"], truncated: false }]);
      await w.submit(decision(otherSession, new Date()));
      await feedSettled(h);
      expect(seen).toHaveLength(1); // within the interval: pending
      await w.drain();
      await feedSettled(h);
      expect(seen).toHaveLength(2);
      expect(seen[1]).toMatchObject({ n: 1, sessions: [otherSession], actions: ["decision.allow"] });
    } finally {
      stop();
    }
  });

  it("streams a change event to a session's page for its own decisions only", async () => {
    const controller = new AbortController();
    const req = new NextRequest(`http://localhost/api/v1/stream?session=${sessionId}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const res = await H(streamRoute.GET)(req, { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = "";
    // One read in flight at a time, kept across waits, so a chunk that arrives after a wait gave
    // up is not lost.
    let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
    const until = async (pattern: RegExp, ms: number) => {
      const deadline = Date.now() + ms;
      while (!pattern.test(text) && Date.now() < deadline) {
        pending ??= reader.read();
        const r = await Promise.race([pending, new Promise<null>((ok) => setTimeout(() => ok(null), deadline - Date.now()))]);
        if (!r) break;
        pending = null;
        if (r.done) break;
        text += dec.decode(r.value);
      }
      return pattern.test(text);
    };
    expect(await until(/event: ready/, 2000)).toBe(true);
    await writer.submit(decision(otherSession, new Date())); // another session: no event
    expect(await until(/event: change/, 700)).toBe(false);
    await writer.submit(decision(sessionId, new Date(), "deny"));
    expect(await until(/event: change\ndata: \{"seq":\d+,"actions":\["decision.deny"\]\}/, 3000)).toBe(true);
    controller.abort();
    await reader.cancel().catch(() => {});
  });

  it("refuses the stream without a person, and with a malformed filter", async () => {
    const anon = await H(streamRoute.GET)(new NextRequest("http://localhost/api/v1/stream"), { params: Promise.resolve({}) });
    expect(anon.status).toBe(401);
    const bad = await H(streamRoute.GET)(new NextRequest("http://localhost/api/v1/stream?session=nope", { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
    expect(bad.status).toBe(400);
  });

  it("filters the sessions list by drift, open escalations and start time", async () => {
    const mk = async (startedAt: Date) =>
      (await h.db.insert(sessions).values({ agentId, status: "active", goal: "filter me", intent: { goal: "g", actions: ["*"], maxSensitivity: "internal", ttlSeconds: 3600 }, startedAt, expiresAt: new Date(Date.now() + 3600_000) }).returning())[0].id;
    const drifting = await mk(new Date());
    const escalated = await mk(new Date());
    const old = await mk(new Date(Date.now() - 3 * 86_400_000));
    const d = decision(drifting, new Date(), "deny");
    d.decision.diff = [{ field: "action", declared: ["github:issues.read"], actual: "github:issues.write" }];
    await writer.submit(d);
    await h.db.insert(escalations).values({ kind: "action", sessionId: escalated, agentId, action: {}, actionHash: "h", risk: "low", expiresAt: new Date(Date.now() + 60_000) });
    const ids = async (q: Record<string, string>) => (await listSessions(h.db, sessionListSchema.parse({ q: "filter me", ...q }))).items.map((r) => r.id).sort();
    expect(await ids({ hasDrift: "true" })).toEqual([drifting]);
    expect(await ids({ hasEscalation: "open" })).toEqual([escalated]);
    expect(await ids({ since: "24h" })).toEqual([drifting, escalated].sort());
    expect(await ids({})).toEqual([drifting, escalated, old].sort());
    // Started in [from, to); drifted in [driftFrom, driftTo).
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    expect(await ids({ from: ago(4 * 86_400_000), to: ago(86_400_000) })).toEqual([old]);
    expect(await ids({ from: ago(86_400_000) })).toEqual([drifting, escalated].sort());
    expect(await ids({ to: ago(4 * 86_400_000) })).toEqual([]);
    expect(await ids({ hasDrift: "true", driftFrom: ago(3600_000) })).toEqual([drifting]);
    expect(await ids({ driftFrom: ago(3 * 3600_000), driftTo: ago(3600_000) })).toEqual([]);
    expect(sessionListSchema.safeParse({ from: "soon" }).success).toBe(false);
  });

  it("pages a long timeline newest first and catches up with what is newer than a cursor", async () => {
    const sid = otherSession;
    const t0 = Date.now() - 3600_000;
    // 450 calls, a few sharing a millisecond (ids break the tie).
    await Promise.all(Array.from({ length: 450 }, (_, i) => writer.submit(decision(sid, new Date(t0 + Math.floor(i / 3) * 1000)))));
    const get = (q: string) => call(H(timelineRoute.GET), { token, path: `/api/v1/sessions/${sid}/timeline${q}`, params: { id: sid } });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(cursor ? `?before=${encodeURIComponent(cursor)}` : "");
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((i: { id: string }) => i.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    const total = seen.length;
    expect(new Set(seen).size).toBe(total); // no call twice across pages
    expect(total).toBeGreaterThanOrEqual(450);
    const first = (await get("")).body.items;
    const times = first.map((i: { createdAt: string }) => Date.parse(i.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const top = `${first[0].createdAt}|${first[0].id}`;
    expect((await get(`?after=${encodeURIComponent(top)}`)).body.items).toEqual([]);
    const newer = decision(sid, new Date());
    await writer.submit(newer);
    const caught = (await get(`?after=${encodeURIComponent(top)}`)).body.items;
    expect(caught.map((i: { id: string }) => i.id)).toEqual([newer.decision.id]);
    expect((await get("?before=garbage")).status).toBe(400);
    expect((await call(H(timelineRoute.GET), { token, path: `/api/v1/sessions/${randomUUID()}/timeline`, params: { id: randomUUID() } })).status).toBe(404);
  });
});
