import { NextRequest } from "next/server";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as credentialsRoute from "../../app/api/v1/credentials/route";
import * as introspectRoute from "../../app/api/v1/credentials/introspect/route";
import * as holderRevokeRoute from "../../app/api/v1/credentials/revoke/route";
import * as personRevokeRoute from "../../app/api/v1/credentials/[id]/revoke/route";
import * as endRoute from "../../app/api/v1/sessions/[id]/end/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import * as sessionRevokeAll from "../../app/api/v1/sessions/[id]/revoke-credentials/route";
import * as agentRevokeAll from "../../app/api/v1/agents/[id]/revoke-credentials/route";
import * as connectorRevokeAll from "../../app/api/v1/connectors/[id]/revoke-credentials/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, connectors, credentials, escalations } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { setAgentStatus } from "../../lib/services/agents/set-status";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const secrets: string[] = [];
// No answer may ever echo a secret it was not issuing right then.
let issuing: string | null = null;
const call = routeCaller((text) => {
  for (const s of secrets) if (s !== issuing) expect(text).not.toContain(s);
});
const H = (h: unknown) => h as RouteHandler;

describe.each(DB_KINDS)("just-in-time credentials on %s", (kind) => {
  let h: DatabaseHandle;
  let key: string;
  let otherKey: string;
  let agentId: string;
  let analyst: string;
  let approver: string;
  let auditor: string;

  const open = (intent: object, token = key) => call(H(sessionsRoute.POST), { token, path: "/api/v1/sessions", body: { intent } });
  const issue = async (body: object, token = key) => {
    const r = await call(H(credentialsRoute.POST), { token, path: "/api/v1/credentials", body });
    if (r.body?.secret) secrets.push(r.body.secret);
    return r;
  };
  const introspect = (token: string, as = analyst) => call(H(introspectRoute.POST), { token: as, path: "/api/v1/credentials/introspect", body: { token } });
  const form = async (handler: unknown, bearer: string, path: string, token: string) => {
    const req = new NextRequest(`http://localhost${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString(),
    });
    const res = await (handler as RouteHandler)(req, { params: Promise.resolve({}) });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    const envelope = { actions: ["github:*", "prod-postgres:*"], maxSensitivity: "restricted" as const, maxTtlSeconds: 3600 };
    const a = await createAgent(h.db, system, { name: "jit-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope });
    agentId = a!.id;
    const b = await createAgent(h.db, system, { name: "other-jit-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope });
    key = (await issueAgentKey(h.db, system, agentId, { name: "k", expiresInDays: 1 })).secret;
    otherKey = (await issueAgentKey(h.db, system, b!.id, { name: "k", expiresInDays: 1 })).secret;
    secrets.push(key, otherKey);
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] }] }));
    analyst = (await personWithToken(h.db, `analyst-jit-${kind}@example.com`, "analyst")).token;
    approver = (await personWithToken(h.db, `approver-jit-${kind}@example.com`, "approver")).token;
    auditor = (await personWithToken(h.db, `auditor-jit-${kind}@example.com`, "auditor")).token;
  });
  afterAll(async () => h?.close());

  it("issues a credential inside the intent once, stores only its hash, and introspection reports its scope", async () => {
    const s = await open({ goal: "triage", actions: ["github:issues.*"], maxSensitivity: "internal", ttlSeconds: 600 });
    issuing = "pending";
    const r = await issue({ sessionId: s.body.id, connector: "github", operations: ["issues.read"], ttlSeconds: 300 });
    issuing = r.body.secret;
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ decision: "allow", credential: { connector: "github", scope: { operations: ["issues.read"] }, sessionId: s.body.id } });
    expect(r.body.secret).toMatch(/^wdn_jit_/);
    issuing = null;
    const [row] = await h.db.select().from(credentials).where(eq(credentials.id, r.body.credential.id));
    expect(row).toMatchObject({ jit: true, sessionId: s.body.id, agentId });
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(r.body.secret);
    const ttl = (row.expiresAt!.getTime() - row.issuedAt.getTime()) / 1000;
    expect(ttl).toBeGreaterThan(295);
    expect(ttl).toBeLessThanOrEqual(300);
    const i = await introspect(r.body.secret);
    expect(i.status).toBe(200);
    expect(i.body).toMatchObject({ active: true, scope: "github:issues.read", client_id: agentId, username: "jit-bot", aud: "github", session_id: s.body.id, token_type: "wdn_jit" });
    expect(i.body.exp).toBe(Math.floor(row.expiresAt!.getTime() / 1000));
    // RFC 7662 bodies are forms.
    expect((await form(introspectRoute.POST, analyst, "/api/v1/credentials/introspect", r.body.secret)).body.active).toBe(true);
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, r.body.credential.id));
    expect(events.map((e) => e.action)).toEqual(["credential.issued"]);
    expect(JSON.stringify(events)).not.toContain(r.body.secret);
  });

  it("never lives longer than the session or the configured maximum", async () => {
    const s = await open({ goal: "short", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 120 });
    const r = await issue({ sessionId: s.body.id, connector: "github", operations: ["issues.read"], ttlSeconds: 86_400 });
    const exp = new Date(r.body.credential.expiresAt).getTime();
    const [sess] = await h.db.execute(sql`select expires_at from sessions where id = ${s.body.id}`).then((x) => (x as { rows: { expires_at: string }[] }).rows);
    expect(exp).toBeLessThanOrEqual(new Date(sess.expires_at).getTime());
  });

  it("escalates a scope beyond the intent, denies one beyond the envelope, and issues nothing for either", async () => {
    const s = await open({ goal: "read only", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const before = (await h.db.select({ n: sql<number>`count(*)::int` }).from(credentials))[0].n;
    const wider = await issue({ sessionId: s.body.id, connector: "github", operations: ["issues.read", "issues.write"] });
    expect(wider.status).toBe(200);
    expect(wider.body.decision).toBe("escalate");
    expect(wider.body.reasons.map((r: { code: string }) => r.code)).toContain("intent.operation_not_declared");
    const [esc] = await h.db.select().from(escalations).where(eq(escalations.id, wider.body.escalationId));
    expect(esc).toMatchObject({ status: "pending", sessionId: s.body.id, agentId });
    const beyond = await issue({ sessionId: s.body.id, connector: "slack", operations: ["chat.post"] });
    expect(beyond.body.decision).toBe("deny");
    expect(beyond.body.reasons.map((r: { code: string }) => r.code)).toContain("agent.envelope_exceeded");
    expect((await h.db.select({ n: sql<number>`count(*)::int` }).from(credentials))[0].n).toBe(before);
    expect(wider.body.secret).toBeUndefined();
  });

  it("refuses another agent's session, a dead session and bad bodies with clear errors", async () => {
    const s = await open({ goal: "mine", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    expect((await issue({ sessionId: s.body.id, connector: "github", operations: ["issues.read"] }, otherKey)).status).toBe(404);
    await call(H(endRoute.POST), { token: key, path: `/api/v1/sessions/${s.body.id}/end`, params: { id: s.body.id }, body: { reason: "done" } });
    expect((await issue({ sessionId: s.body.id, connector: "github", operations: ["issues.read"] })).status).toBe(409);
    const bad = await issue({ sessionId: s.body.id, connector: "github", operations: ["issues"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe("operations.0");
    expect((await call(H(credentialsRoute.POST), { path: "/api/v1/credentials", body: {} })).status).toBe(401);
  });

  it("is inactive at once after the holder, a person, the session's end or a quarantine revokes it — and after expiry with no sweeper", async () => {
    const s = await open({ goal: "work", actions: ["github:issues.*"], maxSensitivity: "internal", ttlSeconds: 600 });
    const get = async () => (await issue({ sessionId: s.body.id, connector: "github", operations: ["issues.read"] })).body;

    // The holder gives it back (RFC 7009, form body); another agent's attempt changes nothing.
    const a = await get();
    const foreign = await form(holderRevokeRoute.POST, otherKey, "/api/v1/credentials/revoke", a.secret);
    expect(foreign).toEqual({ status: 200, body: {} });
    expect((await introspect(a.secret)).body.active).toBe(true);
    expect(await form(holderRevokeRoute.POST, key, "/api/v1/credentials/revoke", a.secret)).toEqual({ status: 200, body: {} });
    expect((await introspect(a.secret)).body).toEqual({ active: false });
    // An unknown token gets the same answer (RFC 7009 §2.2).
    expect(await form(holderRevokeRoute.POST, key, "/api/v1/credentials/revoke", "wdn_jit_" + "x".repeat(43))).toEqual({ status: 200, body: {} });

    // A person revokes one, with a reason.
    const b = await get();
    const r = await call(H(personRevokeRoute.POST), { token: approver, path: `/api/v1/credentials/${b.credential.id}/revoke`, params: { id: b.credential.id }, body: { reason: "leaked in a log" } });
    expect(r.status).toBe(200);
    expect((await introspect(b.secret)).body).toEqual({ active: false });

    // Expired, and no sweeper has run.
    const c = await get();
    await h.db.update(credentials).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(credentials.id, c.credential.id));
    expect((await introspect(c.secret)).body).toEqual({ active: false });

    // Ending the session revokes what it still holds.
    const d = await get();
    await call(H(endRoute.POST), { token: key, path: `/api/v1/sessions/${s.body.id}/end`, params: { id: s.body.id }, body: { reason: "task done" } });
    expect((await introspect(d.secret)).body).toEqual({ active: false });
    const [dRow] = await h.db.select().from(credentials).where(eq(credentials.id, d.credential.id));
    expect(dRow.revokeReason).toBe("session ended");

    // Quarantine: the agent's credentials stop working at once.
    const s2 = await open({ goal: "more", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const e = (await issue({ sessionId: s2.body.id, connector: "github", operations: ["issues.read"] })).body;
    expect((await introspect(e.secret)).body.active).toBe(true);
    await setAgentStatus(h.db, system, agentId, "quarantined", "suspected prompt injection");
    expect((await introspect(e.secret)).body).toEqual({ active: false });
    await setAgentStatus(h.db, system, agentId, "active", "false alarm");
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
    // Quarantine revoked the agent's key too; the tests after this one need a new one.
    key = (await issueAgentKey(h.db, system, agentId, { name: "k-reactivated", expiresInDays: 1 })).secret;
    secrets.push(key);
  });

  it("revokes all of a session's, an agent's, or a connector's credentials (break glass), each with a reason and audited", async () => {
    const s1 = await open({ goal: "a", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const s2 = await open({ goal: "b", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const get = async (sid: string) => (await issue({ sessionId: sid, connector: "github", operations: ["issues.read"] })).body;
    const [a, b, c] = [await get(s1.body.id), await get(s1.body.id), await get(s2.body.id)];
    const revokeAll = (handler: unknown, kindPath: string, id: string, reason: string, token = approver) =>
      call(H(handler), { token, path: `/api/v1/${kindPath}/${id}/revoke-credentials`, params: { id }, body: { reason } });

    // An auditor may not; a reason is required.
    expect((await revokeAll(sessionRevokeAll.POST, "sessions", s1.body.id, "nope", auditor)).status).toBe(403);
    expect((await revokeAll(sessionRevokeAll.POST, "sessions", s1.body.id, "")).status).toBe(400);

    const r = await revokeAll(sessionRevokeAll.POST, "sessions", s1.body.id, "session looked hijacked");
    expect(r.status).toBe(200);
    expect(r.body.revoked).toBe(2);
    expect((await introspect(a.secret)).body.active).toBe(false);
    expect((await introspect(b.secret)).body.active).toBe(false);
    expect((await introspect(c.secret)).body.active).toBe(true);
    // Nothing left to revoke is a clear conflict, not a silent success.
    expect((await revokeAll(sessionRevokeAll.POST, "sessions", s1.body.id, "again")).status).toBe(409);

    const [github] = await h.db.select().from(connectors).where(eq(connectors.name, "github"));
    const glass = await revokeAll(connectorRevokeAll.POST, "connectors", github.id, "GitHub token leak: break glass");
    expect(glass.status).toBe(200);
    expect((await introspect(c.secret)).body.active).toBe(false);
    const [evt] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "connector.break_glass"));
    expect(evt.detail).toMatchObject({ reason: "GitHub token leak: break glass" });
    const perCred = await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, c.credential.id)).orderBy(auditEvents.seq);
    expect(perCred.map((e) => e.action)).toEqual(["credential.issued", "credential.revoked"]);
    expect(perCred[1].sessionId).toBe(s2.body.id);

    const d = await get(s2.body.id);
    const all = await revokeAll(agentRevokeAll.POST, "agents", agentId, "rotate everything this agent holds");
    expect(all.status).toBe(200);
    expect(all.body.credentials).toContain(d.credential.id);
    expect((await introspect(d.secret)).body.active).toBe(false);
    expect((await revokeAll(agentRevokeAll.POST, "agents", crypto.randomUUID(), "x-x-x")).status).toBe(404);
    // The agent's own key went with it: it has to be issued a new one.
    key = (await issueAgentKey(h.db, system, agentId, { name: "k-after", expiresInDays: 1 })).secret;
    secrets.push(key);
  });

  it("answers unknown, malformed or foreign tokens with active false, and refuses introspection without a Warden token", async () => {
    for (const t of ["nope", "wdn_jit_" + "A".repeat(43), "wdn_ak_" + "A".repeat(43), "x".repeat(400)]) expect((await introspect(t)).body).toEqual({ active: false });
    expect((await call(H(introspectRoute.POST), { path: "/api/v1/credentials/introspect", body: { token: "x" } })).status).toBe(401);
    // An agent key is not a person's token.
    expect((await call(H(introspectRoute.POST), { token: key, path: "/api/v1/credentials/introspect", body: { token: "x" } })).status).toBe(401);
  });
});
