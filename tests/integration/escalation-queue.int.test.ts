import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as listRoute from "../../app/api/v1/escalations/route";
import * as summaryRoute from "../../app/api/v1/escalations/summary/route";
import type { DatabaseHandle } from "../../lib/db/client";
import { escalationListSchema, escalationSummary, listEscalations, type EscalationRow } from "../../lib/db/queries/escalations";
import { agents, escalations, escalationVotes, sessions } from "../../lib/db/schema";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const call = routeCaller(() => {});
const H = (h: unknown) => h as RouteHandler;
const MIN = 60_000;

const intent = { goal: "triage issues", actions: ["github:issues.read"], maxSensitivity: "internal" as const, ttlSeconds: 600 };
const envelope = { actions: ["github:*"], maxSensitivity: "confidential" as const, maxTtlSeconds: 3600 };

describe.each(DB_KINDS)("the escalation queue on %s", (kind) => {
  let h: DatabaseHandle;
  let auditorToken: string;
  let botId: string;
  let otherId: string;
  let sessionId: string;
  const id: Record<string, string> = {};
  const now = new Date();
  const at = (minutes: number) => new Date(now.getTime() + minutes * MIN);

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    const [a, b, c] = await Promise.all([
      personWithToken(h.db, `approver-a-q-${kind}@example.com`, "approver"),
      personWithToken(h.db, `approver-b-q-${kind}@example.com`, "approver"),
      personWithToken(h.db, `auditor-q-${kind}@example.com`, "auditor"),
    ]);
    auditorToken = c.token;
    const [bot, other] = await h.db
      .insert(agents)
      .values([
        { name: "triage-bot", identity: "triage-bot", identityKind: "key", team: "devex", riskTier: "low", envelope },
        { name: "billing-bot", identity: "billing-bot", identityKind: "key", team: "finance", riskTier: "high", envelope },
      ])
      .returning();
    botId = bot.id;
    otherId = other.id;
    const [s1, s2] = await h.db
      .insert(sessions)
      .values([
        { agentId: botId, status: "active", intent, goal: "triage issues", expiresAt: at(60) },
        { agentId: otherId, status: "pending", intent: { ...intent, goal: "close the books" }, goal: "close the books", expiresAt: at(60) },
      ])
      .returning();
    sessionId = s1.id;
    const write = { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/api" };
    const rows = await h.db
      .insert(escalations)
      .values([
        // Live pending, created in this order: older first in the queue.
        { kind: "action", sessionId: s1.id, agentId: botId, action: write, actionHash: "h1", risk: "medium", createdAt: at(-30), expiresAt: at(30), reasons: [{ code: "intent.operation_not_declared", message: "not declared" }], diff: [{ field: "action", declared: ["github:issues.read"], actual: "github:issues.write" }] },
        { kind: "session_open", sessionId: s2.id, agentId: otherId, action: { intent: { ...intent, goal: "close the books" } }, actionHash: "h2", risk: "high", requiredApprovals: 2, createdAt: at(-40), expiresAt: at(20) },
        { kind: "intent_change", sessionId: s1.id, agentId: botId, action: { from: intent, to: { ...intent, actions: ["github:*"] }, version: 2 }, actionHash: "h3", risk: "low", createdAt: at(-10), expiresAt: at(50) },
        // Still marked pending but past its expiry: reported expired, out of the queue.
        { kind: "action", sessionId: s1.id, agentId: botId, action: write, actionHash: "h4", risk: "high", createdAt: at(-90), expiresAt: at(-5) },
        // Answered: newest answer first.
        { kind: "action", sessionId: s1.id, agentId: botId, action: write, actionHash: "h5", risk: "medium", status: "approved", createdAt: at(-120), expiresAt: at(-60), resolvedAt: at(-100), resolution: "approved" },
        { kind: "action", sessionId: s1.id, agentId: botId, action: write, actionHash: "h6", risk: "low", status: "denied", createdAt: at(-50), expiresAt: at(-20), resolvedAt: at(-45), resolution: "denied" },
        { kind: "action", sessionId: s1.id, agentId: botId, action: write, actionHash: "h7", risk: "low", status: "expired", createdAt: at(-200), expiresAt: at(-150), resolvedAt: at(-150), resolution: "No one answered in time" },
      ])
      .returning({ id: escalations.id, actionHash: escalations.actionHash });
    for (const r of rows) id[r.actionHash] = r.id;
    await h.db.insert(escalationVotes).values([
      { escalationId: id.h2, userId: a.id, vote: "approve", scope: null, reason: "books close today" },
      { escalationId: id.h5, userId: a.id, vote: "approve", scope: "once", reason: "fine" },
      { escalationId: id.h6, userId: b.id, vote: "deny", reason: "not for this task" },
    ]);
  });
  afterAll(async () => h?.close());

  const list = async (q: Record<string, string> = {}) => (await listEscalations(h.db, escalationListSchema.parse(q), now)).items;
  const hashes = (items: EscalationRow[]) => items.map((r) => Object.keys(id).find((k) => id[k] === r.id));

  it("puts live pending requests first, oldest first, and leaves lapsed ones out of the queue", async () => {
    expect(hashes(await list())).toEqual(["h2", "h1", "h3"]);
    // Answered ones after, newest answer first; a lapsed pending one counts as answered at its expiry.
    expect(hashes(await list({ status: "all" }))).toEqual(["h2", "h1", "h3", "h4", "h6", "h5", "h7"]);
  });

  it("reports a pending request past its expiry as expired, before the sweeper marks it", async () => {
    const expired = await list({ status: "expired" });
    expect(hashes(expired)).toEqual(["h4", "h7"]);
    expect(expired[0]).toMatchObject({ status: "expired", resolvedAt: null });
    // Once the clock passes another request's expiry, it leaves the queue the same way.
    const later = await listEscalations(h.db, escalationListSchema.parse({}), at(25));
    expect(hashes(later.items)).toEqual(["h1", "h3"]);
  });

  it("filters by status, risk, kind, agent and search, with the total for pagination", async () => {
    expect(hashes(await list({ status: "approved" }))).toEqual(["h5"]);
    expect(hashes(await list({ status: "denied" }))).toEqual(["h6"]);
    expect(hashes(await list({ status: "all", risk: "high" }))).toEqual(["h2", "h4"]);
    expect(hashes(await list({ kind: "intent_change" }))).toEqual(["h3"]);
    expect(hashes(await list({ status: "all", agentId: otherId }))).toEqual(["h2"]);
    expect(hashes(await list({ q: "books" }))).toEqual(["h2"]);
    const page = await listEscalations(h.db, escalationListSchema.parse({ status: "all", pageSize: "2", page: "2" }), now);
    expect(page).toMatchObject({ total: 7, page: 2, pageSize: 2 });
    expect(hashes(page.items)).toEqual(["h3", "h4"]);
  });

  it("filters by the time raised, from inclusive and to exclusive; a bad date is a 400", async () => {
    const iso = (m: number) => at(m).toISOString();
    // h1 at -30, h2 at -40, h3 at -10, h4 at -90, h5 at -120, h6 at -50, h7 at -200.
    expect(hashes(await list({ status: "all", from: iso(-50), to: iso(-10) }))).toEqual(["h2", "h1", "h6"]);
    expect(hashes(await list({ status: "all", from: iso(-30) }))).toEqual(["h1", "h3"]);
    expect(hashes(await list({ status: "all", to: iso(-120) }))).toEqual(["h7"]);
    expect(hashes(await list({ status: "expired", from: iso(-100), to: iso(0) }))).toEqual(["h4"]);
    const res = await call(H(listRoute.GET), { token: auditorToken, path: `/api/v1/escalations?status=all&from=${encodeURIComponent(iso(-50))}&to=${encodeURIComponent(iso(-10))}` });
    expect(res.body.total).toBe(3);
    for (const bad of ["from=yesterday", "to=2026-13-45T00:00:00Z", "from=2026-01-01T00:00:00"])
      expect((await call(H(listRoute.GET), { token: auditorToken, path: `/api/v1/escalations?${bad}` })).status, bad).toBe(400);
  });

  it("shapes each row for the queue: approvals counted, agent, goal and what is asked", async () => {
    const [open, action, change] = await list();
    expect(open).toMatchObject({ kind: "session_open", risk: "high", requiredApprovals: 2, approvals: 1, sessionGoal: "close the books", agent: { id: otherId, name: "billing-bot", team: "finance", riskTier: "high" } });
    // A session opening hands out its intent itself, not the stored `{ intent }` wrapper.
    expect(open.action).toMatchObject({ goal: "close the books", actions: ["github:issues.read"] });
    expect(action).toMatchObject({ kind: "action", approvals: 0, sessionId, action: { connector: "github", tool: "issues", operation: "write" }, diff: [{ field: "action" }], reasons: [{ code: "intent.operation_not_declared" }] });
    expect(change.action).toMatchObject({ version: 2, to: { actions: ["github:*"] } });
    // Deny votes are not approvals.
    expect((await list({ status: "denied" }))[0].approvals).toBe(0);
    expect((await list({ status: "approved" }))[0].approvals).toBe(1);
  });

  it("counts what waits, and what waits at high risk, for the nav badge", async () => {
    expect(await escalationSummary(h.db, now)).toEqual({ pending: 3, pendingHighRisk: 1 });
    expect(await escalationSummary(h.db, at(25))).toEqual({ pending: 2, pendingHighRisk: 0 });
  });

  it("answers over HTTP to anyone who may read the inventory, and refuses a bad filter", async () => {
    const res = await call(H(listRoute.GET), { token: auditorToken, path: "/api/v1/escalations?status=all&kind=action" });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(5);
    expect(typeof res.body.items[0].createdAt).toBe("string");
    expect((await call(H(listRoute.GET), { token: auditorToken, path: "/api/v1/escalations?status=bogus" })).status).toBe(400);
    expect((await call(H(listRoute.GET), { path: "/api/v1/escalations" })).status).toBe(401);
    const summary = await call(H(summaryRoute.GET), { token: auditorToken, path: "/api/v1/escalations/summary" });
    expect(summary).toMatchObject({ status: 200, body: { pending: 3, pendingHighRisk: 1 } });
  });
});
