import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as deliveriesRoute from "../../app/api/v1/webhooks/[id]/deliveries/route";
import * as rotateRoute from "../../app/api/v1/webhooks/[id]/rotate-secret/route";
import * as webhookRoute from "../../app/api/v1/webhooks/[id]/route";
import * as testRoute from "../../app/api/v1/webhooks/[id]/test/route";
import * as webhooksRoute from "../../app/api/v1/webhooks/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, escalations, sessions, webhookDeliveries, webhooks } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { MAX_ATTEMPTS } from "@/lib/domain/webhooks/constants";
import { verifySignature } from "../../lib/services/webhooks/crypto";
import { deliverDue, enqueueEscalationNotifications } from "../../lib/services/webhooks/dispatcher";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const leaks: string[] = [];
const call = routeCaller((text) => {
  for (const l of leaks) expect(text).not.toContain(l);
  expect(text).not.toContain("secretEnc");
  expect(text).not.toMatch(/"v1\.[A-Za-z0-9_-]{20,}/);
});
const H = (h: unknown) => h as RouteHandler;

type Hit = { path: string; headers: IncomingHttpHeaders; body: string };

/** A receiver on a free local port: /ok answers 204, /fail 500, /redirect 302 to /ok. */
async function startReceiver() {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push({ path: req.url ?? "", headers: req.headers, body });
      if (req.url?.startsWith("/fail")) res.writeHead(500).end("no");
      else if (req.url?.startsWith("/redirect")) res.writeHead(302, { location: "/ok/after-redirect" }).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { hits, base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(DB_KINDS)("outgoing webhooks on %s", (kind) => {
  let h: DatabaseHandle;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let admin: { id: string; token: string };
  let analyst: { token: string };
  let n = 0;

  const create = (body: object, token = admin.token) => call(H(webhooksRoute.POST), { token, path: "/api/v1/webhooks", body });
  const patch = (id: string, body: object) => call(H(webhookRoute.PATCH), { token: admin.token, method: "PATCH", path: `/api/v1/webhooks/${id}`, params: { id }, body });
  const hitsFor = (prefix: string) => rx.hits.filter((x) => x.path.startsWith(prefix));
  const deliveriesOf = (webhookId: string) => h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId));

  /** An agent of `team` with an open session and a pending escalation of `risk`. */
  async function escalation(team: string, risk: "low" | "medium" | "high" = "medium") {
    const a = await createAgent(h.db, system, {
      name: `bot-${kind}-${++n}`,
      identityKind: "key",
      team,
      purpose: "",
      riskTier: "low",
      envelope: { actions: ["github:*"], maxSensitivity: "internal", destinations: [], maxTtlSeconds: 3600 },
    });
    const intent = { goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal" as const, ttlSeconds: 600 };
    const [s] = await h.db
      .insert(sessions)
      .values({ agentId: a!.id, status: "active", intent, goal: intent.goal, expiresAt: new Date(Date.now() + 600_000) })
      .returning();
    const [e] = await h.db
      .insert(escalations)
      .values({
        kind: "action",
        sessionId: s.id,
        agentId: a!.id,
        action: { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/api" },
        actionHash: `hash-${n}`,
        risk,
        reasons: [{ code: "intent.operation_not_declared", message: "github:issues.write is not in the intent" }],
        expiresAt: new Date(Date.now() + 3600_000),
      })
      .returning();
    return { escalation: e, agent: a!, session: s };
  }

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    rx = await startReceiver();
    admin = await personWithToken(h.db, `admin-${kind}@warden.test`, "admin");
    analyst = await personWithToken(h.db, `analyst-${kind}@warden.test`, "analyst");
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  it("refuses other URL schemes, credentials in the URL, non-admins and anonymous callers", async () => {
    for (const url of ["ftp://hooks.example.com/x", "javascript:alert(1)", "file:///etc/passwd", "not a url", "https://user:pass@hooks.example.com/x"]) {
      const r = await create({ name: "bad", url });
      expect(r.status, url).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
      expect(r.body.error.fields[0].path).toBe("url");
    }
    expect((await create({ name: "x", url: "https://hooks.example.com/x", minRisk: "extreme" })).status).toBe(400);
    const forbidden = await create({ name: "x", url: "https://hooks.example.com/x" }, analyst.token);
    expect(forbidden.status).toBe(403);
    expect((await call(H(webhooksRoute.GET), { token: analyst.token })).status).toBe(403);
    expect((await call(H(webhooksRoute.GET))).status).toBe(401);
    expect((await call(H(webhooksRoute.GET), { token: "wdn_not_a_real_token" })).status).toBe(401);
    expect(await h.db.select().from(webhooks)).toHaveLength(0);

    // Every verb on one webhook: analysts are refused, unknown ids are 404 (not 403).
    const { webhook } = (await create({ name: "guarded", url: "https://hooks.example.com/guarded", team: "nobody" })).body;
    const missing = "00000000-0000-4000-8000-000000000000";
    const verbs = [
      (id: string, token: string) => call(H(webhookRoute.GET), { token, params: { id } }),
      (id: string, token: string) => call(H(webhookRoute.PATCH), { token, method: "PATCH", params: { id }, body: { name: "renamed" } }),
      (id: string, token: string) => call(H(rotateRoute.POST), { token, method: "POST", params: { id } }),
      (id: string, token: string) => call(H(testRoute.POST), { token, method: "POST", params: { id } }),
      (id: string, token: string) => call(H(deliveriesRoute.GET), { token, params: { id } }),
    ];
    for (const verb of verbs) {
      expect((await verb(webhook.id, analyst.token)).status).toBe(403);
      expect((await verb(missing, admin.token)).status).toBe(404);
      expect((await verb("not-a-uuid", admin.token)).status).toBe(404);
    }
    expect((await call(H(webhookRoute.GET), { token: admin.token, params: { id: webhook.id } })).body).toMatchObject({ name: "guarded", secretHint: expect.any(String) });
  });

  it("delivers one signed escalation.created per matching escalation, exactly once, and audits it", async () => {
    const created = await create({ name: "payments on-call", url: `${rx.base}/ok/payments`, team: "payments" });
    expect(created.status).toBe(201);
    const { webhook, secret } = created.body;
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({ name: "payments on-call", team: "payments", minRisk: null, enabled: true, secretHint: secret.slice(-4) });
    leaks.push(secret);
    const list = await call(H(webhooksRoute.GET), { token: admin.token });
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(webhook.id);

    const { escalation: e, agent, session } = await escalation("payments", "high");
    await escalation("growth", "high"); // another team: not for this webhook
    expect(await enqueueEscalationNotifications(h.db)).toBe(1);
    expect(await enqueueEscalationNotifications(h.db)).toBe(0); // queued once, however often it runs
    expect(await deliverDue(h.db)).toMatchObject({ claimed: 1, sent: 1 });
    expect(await deliverDue(h.db)).toMatchObject({ claimed: 0 });

    const got = hitsFor("/ok/payments");
    expect(got).toHaveLength(1);
    const [hit] = got;
    expect(hit.headers["content-type"]).toBe("application/json");
    expect(hit.headers["x-warden-event"]).toBe("escalation.created");
    expect(verifySignature(secret, hit.headers["x-warden-signature"] as string, hit.body)).toBe(true);
    expect(verifySignature(secret, hit.headers["x-warden-signature"] as string, hit.body.replace("payments", "growth"))).toBe(false);
    const payload = JSON.parse(hit.body);
    expect(Object.keys(payload)).toEqual(["event", "deliveryId", "occurredAt", "escalation"]);
    expect(payload).toMatchObject({
      event: "escalation.created",
      deliveryId: hit.headers["x-warden-delivery"],
      escalation: {
        id: e.id,
        kind: "action",
        risk: "high",
        requiredApprovals: 1,
        status: "pending",
        agent: { id: agent.id, name: agent.name, team: "payments" },
        sessionId: session.id,
        action: { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/api" },
        reasons: [{ code: "intent.operation_not_declared" }],
        diff: null,
      },
    });
    expect(payload.escalation.url).toMatch(new RegExp(`/escalations/${e.id}$`));
    expect(new Date(payload.escalation.createdAt).getTime()).toBe(e.createdAt.getTime());
    expect(payload.occurredAt).toBe(payload.escalation.createdAt);

    const [d] = await deliveriesOf(webhook.id);
    expect(d).toMatchObject({ id: payload.deliveryId, status: "sent", attempts: 1, lastStatusCode: 204, escalationId: e.id });
    expect(d.deliveredAt).toBeInstanceOf(Date);
    const [ev] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "notification.sent"), eq(auditEvents.targetId, e.id)));
    expect(ev).toMatchObject({ actorKind: "system", targetKind: "escalation", agentId: agent.id, sessionId: session.id });
    expect(ev.detail).toMatchObject({ webhookId: webhook.id, webhookName: "payments on-call", deliveryId: d.id, attempts: 1, statusCode: 204, error: null });

    const recent = await call(H(deliveriesRoute.GET), { token: admin.token, params: { id: webhook.id } });
    expect(recent.body.items[0]).toMatchObject({ id: d.id, status: "sent", attempts: 1, lastStatusCode: 204, escalation: { id: e.id, risk: "high" } });
    expect(recent.body.items[0].payload).toBeUndefined();
    const listed = await call(H(webhooksRoute.GET), { token: admin.token });
    expect(listed.body.items.find((w: { id: string }) => w.id === webhook.id).lastDelivery).toMatchObject({ status: "sent", lastStatusCode: 204 });
  });

  it("sends nothing when the team or the minimum risk does not match, or for escalations older than the webhook", async () => {
    const before = await escalation("search", "high"); // raised before the webhook existed
    await h.db.execute(sql`select pg_sleep(0.01)`);
    const team = await create({ name: "infra only", url: `${rx.base}/ok/infra`, team: "infra" });
    const risky = await create({ name: "search high", url: `${rx.base}/ok/search-high`, team: "search", minRisk: "high" });
    await escalation("search", "medium");
    await escalation("search", "low");
    expect(await enqueueEscalationNotifications(h.db)).toBe(0);
    await deliverDue(h.db);
    expect(hitsFor("/ok/infra")).toHaveLength(0);
    expect(hitsFor("/ok/search-high")).toHaveLength(0);
    expect(await deliveriesOf(team.body.webhook.id)).toHaveLength(0);
    expect(before.escalation.risk).toBe("high");

    await escalation("search", "high");
    expect(await enqueueEscalationNotifications(h.db)).toBe(1);
    await deliverDue(h.db);
    expect(hitsFor("/ok/search-high")).toHaveLength(1);
    expect(await deliveriesOf(risky.body.webhook.id)).toHaveLength(1);
  });

  it("retries a failing receiver with backoff, then gives up with a notification.failed event", async () => {
    const w = (await create({ name: "flaky", url: `${rx.base}/fail`, team: "flaky" })).body.webhook;
    const { escalation: e } = await escalation("flaky");
    await enqueueEscalationNotifications(h.db);
    expect(await deliverDue(h.db)).toMatchObject({ claimed: 1, sent: 0, failed: 0 });
    let [d] = await deliveriesOf(w.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500" });
    expect(d.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(d.nextAttemptAt.getTime()).toBeLessThan(Date.now() + 10_000); // 5 s after the first failure
    expect(await deliverDue(h.db)).toMatchObject({ claimed: 0 }); // not due yet

    const due = () => h.db.update(webhookDeliveries).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(webhookDeliveries.id, d.id));
    for (let i = 2; i <= MAX_ATTEMPTS; i++) {
      await due();
      await deliverDue(h.db);
      [d] = await deliveriesOf(w.id);
      expect(d.attempts).toBe(i);
    }
    expect(d).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, lastStatusCode: 500 });
    expect(hitsFor("/fail")).toHaveLength(MAX_ATTEMPTS);
    await due();
    expect(await deliverDue(h.db)).toMatchObject({ claimed: 0 });
    const events = await h.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, e.id), sql`${auditEvents.action} like 'notification.%'`));
    expect(events.map((x) => x.action)).toEqual(["notification.failed"]);
    expect(events[0].detail).toMatchObject({ webhookId: w.id, deliveryId: d.id, attempts: MAX_ATTEMPTS, statusCode: 500, error: "HTTP 500" });
  });

  it("does not follow redirects", async () => {
    const w = (await create({ name: "redirector", url: `${rx.base}/redirect`, team: "redirect" })).body.webhook;
    await escalation("redirect");
    await enqueueEscalationNotifications(h.db);
    await deliverDue(h.db);
    expect(hitsFor("/redirect")).toHaveLength(1);
    expect(hitsFor("/ok/after-redirect")).toHaveLength(0);
    const [d] = await deliveriesOf(w.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 302 });
  });

  it("concurrent dispatchers never send a delivery twice", async () => {
    const w = (await create({ name: "busy", url: `${rx.base}/ok/busy`, team: "busy" })).body.webhook;
    // More than two batches (20 each), so the calls compete for rows, not just for the first batch.
    const first = await escalation("busy", "low");
    const more = Array.from({ length: 44 }, (_, i) => ({ ...first.escalation, id: undefined, actionHash: `busy-${i}`, createdAt: undefined }));
    await h.db.insert(escalations).values(more);
    expect(await enqueueEscalationNotifications(h.db)).toBe(45);
    const runs = await Promise.all([deliverDue(h.db), deliverDue(h.db), deliverDue(h.db), deliverDue(h.db)]);
    // How the 45 split between the calls depends on timing: a call whose SKIP LOCKED scan meets a
    // row another call has just claimed and committed re-checks it, finds it no longer due, and
    // drops it (so 17 + 8 is as right as 20 + 5). What must hold: no call takes more than a batch,
    // and together they take every delivery exactly once.
    const claims = runs.map((r) => r.claimed);
    expect(Math.max(...claims)).toBeLessThanOrEqual(20);
    expect(claims.reduce((s, c) => s + c, 0)).toBe(45);
    expect(runs.reduce((s, r) => s + r.sent, 0)).toBe(45);
    expect(await deliverDue(h.db)).toMatchObject({ claimed: 0 });
    const ids = hitsFor("/ok/busy").map((x) => x.headers["x-warden-delivery"]);
    expect(ids).toHaveLength(45);
    expect(new Set(ids).size).toBe(45);
    const rows = await deliveriesOf(w.id);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("rotates the secret (shown once), sends a test ping signed with it, and disables with a reason", async () => {
    const created = await create({ name: "ops", url: `${rx.base}/ok/ops`, team: "ops" });
    const { webhook, secret: oldSecret } = created.body;
    leaks.push(oldSecret);

    const rotated = await call(H(rotateRoute.POST), { token: admin.token, method: "POST", params: { id: webhook.id } });
    expect(rotated.status).toBe(200);
    const secret = rotated.body.secret as string;
    expect(secret).not.toBe(oldSecret);
    expect(rotated.body.webhook.secretHint).toBe(secret.slice(-4));
    leaks.push(secret);

    const ping = await call(H(testRoute.POST), { token: admin.token, method: "POST", params: { id: webhook.id } });
    expect(ping.body).toMatchObject({ ok: true, statusCode: 204, error: null });
    const [hit] = hitsFor("/ok/ops");
    expect(hit.headers["x-warden-event"]).toBe("ping");
    expect(verifySignature(secret, hit.headers["x-warden-signature"] as string, hit.body)).toBe(true);
    expect(verifySignature(oldSecret, hit.headers["x-warden-signature"] as string, hit.body)).toBe(false);
    expect(JSON.parse(hit.body)).toMatchObject({ event: "ping", deliveryId: ping.body.deliveryId, webhook: { id: webhook.id } });

    // A pending delivery is given up when the webhook is disabled.
    await h.db.update(webhooks).set({ url: `${rx.base}/fail/ops` }).where(eq(webhooks.id, webhook.id));
    const { escalation: e } = await escalation("ops");
    await enqueueEscalationNotifications(h.db);
    await deliverDue(h.db);

    expect((await patch(webhook.id, { enabled: false })).status).toBe(400);
    expect((await patch(webhook.id, { enabled: false, reason: "" })).status).toBe(400);
    const off = await patch(webhook.id, { enabled: false, reason: "team moved to pager" });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false });
    const [d] = await deliveriesOf(webhook.id);
    expect(d).toMatchObject({ status: "failed", lastError: "webhook disabled" });
    const trail = await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, webhook.id)).orderBy(auditEvents.seq);
    expect(trail.map((t) => t.action)).toEqual(["webhook.created", "webhook.secret_rotated", "webhook.tested", "webhook.disabled"]);
    expect(trail[3].detail).toMatchObject({ reason: "team moved to pager", changes: { enabled: { before: true, after: false } } });
    // Audit events name the URL's origin only: chat webhooks carry their token in the path.
    expect(JSON.stringify(trail.map((t) => t.detail))).not.toContain("/ok/ops");
    const failed = await h.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, e.id), eq(auditEvents.action, "notification.failed")));
    expect(failed).toHaveLength(1);

    // Disabled: nothing new is queued for it.
    await escalation("ops");
    await enqueueEscalationNotifications(h.db);
    expect(await deliveriesOf(webhook.id)).toHaveLength(1);

    const renamed = await patch(webhook.id, { name: "ops pager", minRisk: "medium", enabled: true });
    expect(renamed.body).toMatchObject({ name: "ops pager", minRisk: "medium", enabled: true });
    expect((await patch(webhook.id, { name: "payments on-call" })).status).toBe(409);
    expect((await patch(webhook.id, { url: "gopher://x" })).status).toBe(400);
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await call(H(rotateRoute.POST), { token: admin.token, method: "POST", params: { id: missing } })).status).toBe(404);
  });

  it("keeps the audit chain intact", async () => {
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });
});
