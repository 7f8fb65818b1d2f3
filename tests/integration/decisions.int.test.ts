import { eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as authorizeRoute from "../../app/api/v1/authorize/route";
import * as escalationRoute from "../../app/api/v1/escalations/[id]/route";
import * as endRoute from "../../app/api/v1/sessions/[id]/end/route";
import * as intentRoute from "../../app/api/v1/sessions/[id]/intent/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { Db } from "../../lib/db/client";
import { authorize } from "../../lib/services/decisions/authorize";
import { decisionDeps } from "../../lib/runtime";
import { authenticateAgent } from "../../lib/services/machine/authenticate";
import { revokeCredential } from "../../lib/services/credentials/revoke";
import { agents, auditEvents, connectors, decisions, escalations } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { setAgentStatus } from "../../lib/services/agents/set-status";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";
import { routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const leaks: string[] = [];
const call = routeCaller((text) => {
  for (const l of leaks) expect(text).not.toContain(l);
});
const H = (h: unknown) => h as RouteHandler;

describe.each(DB_KINDS)("the decision path on %s", (kind) => {
  let h: TestDatabase;
  let key: string;
  let otherKey: string;
  let agentId: string;

  const open = (intent: object, extra: object = {}, token = key) => call(H(sessionsRoute.POST), { token, path: "/api/v1/sessions", body: { intent, ...extra } });
  const decide = (sessionId: string, action: object, token = key) => call(H(authorizeRoute.POST), { token, path: "/api/v1/authorize", body: { sessionId, action } });
  const auditFor = async (decisionId: string) => h.db.select().from(auditEvents).where(eq(auditEvents.targetId, decisionId));

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    const envelope = { actions: ["github:*", "prod-postgres:*", "email:*", "pastebin:*"], maxSensitivity: "restricted" as const, destinations: ["internal:*", "external:*"], maxTtlSeconds: 3600 };
    const a = await createAgent(h.db, system, { name: "release-bot", identityKind: "spiffe", identity: "spiffe://acme.internal/ns/devex/sa/release-bot", team: "devex", purpose: "", riskTier: "low", envelope });
    agentId = a!.id;
    const b = await createAgent(h.db, system, { name: "other-bot", identityKind: "key", team: "devex", purpose: "", riskTier: "medium", envelope });
    key = (await issueAgentKey(h.db, system, agentId, { name: "k", expiresInDays: 1 })).secret;
    otherKey = (await issueAgentKey(h.db, system, b!.id, { name: "k", expiresInDays: 1 })).secret;
    leaks.push(key, otherKey);
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] }] }));
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "prod-postgres", displayName: "Prod DB", kind: "database", sensitivity: "restricted", environment: "production", tools: [{ name: "customers", operations: [{ name: "select", access: "read" }, { name: "update", access: "write" }] }] }));
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "email", displayName: "Email", kind: "messaging", sensitivity: "confidential", tools: [{ name: "send", operations: [{ name: "message", access: "write" }] }] }));
  });
  afterAll(async () => h?.close());

  it("refuses callers without valid agent credentials", async () => {
    expect((await call(H(authorizeRoute.POST), { path: "/api/v1/authorize", body: {} })).status).toBe(401);
    expect((await call(H(authorizeRoute.POST), { token: "wdn_ak_" + "A".repeat(43), path: "/api/v1/authorize", body: {} })).status).toBe(401);
    expect((await call(H(sessionsRoute.POST), { token: "not.a.jwt", path: "/api/v1/sessions", body: {} })).status).toBe(401);
  });

  it("allows a call inside the intent and records it before answering", async () => {
    const s = await open({ goal: "triage issues", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({ status: "active", intentVersion: 1 });
    const d = await decide(s.body.id, { connector: "github", tool: "issues", operation: "read", resource: "repo:acme/api", arguments: { q: "label:bug", token: "sk-secret-xyz" } });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ decision: "allow", reasons: [] });
    const [row] = await h.db.select().from(decisions).where(eq(decisions.id, d.body.decisionId));
    expect(row.outcome).toBe("allow");
    expect(JSON.stringify(row)).not.toContain("sk-secret-xyz");
    expect(row.argsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(await auditFor(d.body.decisionId)).toHaveLength(1);
  });

  it("escalates an out-of-intent call with reason codes, a diff and a pending escalation the agent can read", async () => {
    const s = await open({ goal: "triage issues", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const d = await decide(s.body.id, { connector: "github", tool: "issues", operation: "write" });
    expect(d.body.decision).toBe("escalate");
    expect(d.body.reasons.map((r: { code: string }) => r.code)).toContain("intent.operation_not_declared");
    expect(d.body.diff[0]).toMatchObject({ field: "action", actual: "github:issues.write" });
    const e = await call(H(escalationRoute.GET), { token: key, path: `/api/v1/escalations/${d.body.escalationId}`, params: { id: d.body.escalationId } });
    expect(e.body).toMatchObject({ id: d.body.escalationId, status: "pending", sessionId: s.body.id });
    // Another agent cannot see it.
    const other = await call(H(escalationRoute.GET), { token: otherKey, path: `/api/v1/escalations/${d.body.escalationId}`, params: { id: d.body.escalationId } });
    expect(other.status).toBe(404);
  });

  it("denies what a guardrail forbids: restricted data to an external destination", async () => {
    const s = await open({ goal: "send report", actions: ["email:send.message"], maxSensitivity: "restricted", destinations: ["external:*"], ttlSeconds: 600 });
    const d = await decide(s.body.id, { connector: "email", tool: "send", operation: "message", sensitivity: "restricted", destination: "email:someone@partner.example" });
    expect(d.body.decision).toBe("deny");
    expect(d.body.reasons.map((r: { code: string }) => r.code)).toContain("policy.forbid");
  });

  it("escalates a low-tier agent writing to a production database, inside its intent", async () => {
    const s = await open({ goal: "fix a record", actions: ["prod-postgres:customers.update"], maxSensitivity: "restricted", ttlSeconds: 600 });
    const d = await decide(s.body.id, { connector: "prod-postgres", tool: "customers", operation: "update", resource: "table:customers" });
    expect(d.body.decision).toBe("escalate");
    expect(d.body.reasons.map((r: { code: string }) => r.code)).toContain("policy.escalate");
  });

  it("notes a call on the registered connector's last seen", async () => {
    const s = await open({ goal: "triage issues", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const before = Date.now();
    expect((await decide(s.body.id, { connector: "github", tool: "issues", operation: "read" })).body.decision).toBe("allow");
    // Written off the answer's path, at most once a minute per connector (LAST_SEEN_RESOLUTION_MS).
    const seen = async () => (await h.db.select({ at: connectors.lastSeenAt }).from(connectors).where(eq(connectors.name, "github")))[0].at;
    await expect.poll(seen, { timeout: 5000 }).not.toBeNull();
    expect((await seen())!.getTime()).toBeGreaterThan(before - 60_000);
  });

  it("records a connector nobody registered as unmanaged and escalates", async () => {
    const s = await open({ goal: "share a snippet", actions: ["pastebin:paste.create"], maxSensitivity: "internal", ttlSeconds: 600 });
    const d = await decide(s.body.id, { connector: "pastebin", tool: "paste", operation: "create" });
    expect(d.body.decision).toBe("escalate");
    expect(d.body.reasons.map((r: { code: string }) => r.code)).toContain("connector.unmanaged");
    const [c] = await h.db.select().from(connectors).where(eq(connectors.name, "pastebin"));
    expect(c.managed).toBe(false);
  });

  it("treats another agent's session as unknown, and bad bodies as 4xx", async () => {
    const s = await open({ goal: "x", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const foreign = await decide(s.body.id, { connector: "github", tool: "issues", operation: "read" }, otherKey);
    expect(foreign.status).toBe(404);
    for (const body of [{}, { sessionId: "nope" }, { sessionId: s.body.id, action: { connector: "GitHub!", tool: "x", operation: "y" } }, { sessionId: s.body.id, action: { connector: "a", tool: 3, operation: "y" } }]) {
      const r = await call(H(authorizeRoute.POST), { token: key, path: "/api/v1/authorize", body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    const big = await call(H(authorizeRoute.POST), { token: key, path: "/api/v1/authorize", body: { sessionId: s.body.id, action: { connector: "a", tool: "b", operation: "c", arguments: "x".repeat(70_000) } } });
    expect(big.status).toBe(413);
  });

  it("keeps intents inside the envelope and delegations inside the parent", async () => {
    const wide = await open({ goal: "everything", actions: ["slack:*"], maxSensitivity: "internal", ttlSeconds: 600 });
    expect(wide.body).toMatchObject({ status: "pending" });
    expect(wide.body.escalationId).toBeTruthy();
    const [esc] = await h.db.select().from(escalations).where(eq(escalations.id, wide.body.escalationId));
    expect(esc.kind).toBe("session_open");
    const parent = await open({ goal: "parent", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const child = await open({ goal: "child", actions: ["github:issues.*"], maxSensitivity: "internal", ttlSeconds: 60 }, { parentSessionId: parent.body.id }, otherKey);
    expect(child.body.status).toBe("denied");
    expect(child.body.reasons.map((r: { code: string }) => r.code).join()).toMatch(/delegation\./);
    const okChild = await open({ goal: "child", actions: ["github:issues.read"], maxSensitivity: "public", ttlSeconds: 60 }, { parentSessionId: parent.body.id }, otherKey);
    expect(okChild.body.status).toBe("active");
  });

  it("decides nothing but deny after the session ends, and for a quarantined agent", async () => {
    const s = await open({ goal: "short", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const ended = await call(H(endRoute.POST), { token: key, path: `/api/v1/sessions/${s.body.id}/end`, params: { id: s.body.id }, body: { reason: "done" } });
    expect(ended.body).toMatchObject({ status: "ended" });
    const after = await decide(s.body.id, { connector: "github", tool: "issues", operation: "read" });
    expect(after.body.decision).toBe("deny");
    const s2 = await open({ goal: "again", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    await setAgentStatus(h.db, system, agentId, "quarantined", "suspected prompt injection");
    // Quarantine revoked its key. A decision that reuses the moments-old authentication is
    // still denied — the commit re-checks key and agent — and is on the record as a deny…
    const racing = await decide(s2.body.id, { connector: "github", tool: "issues", operation: "read" });
    if (racing.status === 200) {
      expect(racing.body.decision).toBe("deny");
      expect(racing.body.reasons.map((r: { code: string }) => r.code).join()).toMatch(/credential\.revoked|agent\.not_active|agent\.quarantined/);
      const [row] = await h.db.select().from(decisions).where(eq(decisions.id, racing.body.decisionId));
      expect(row.outcome).toBe("deny");
    } else {
      expect(racing.status).toBe(401);
    }
    // …and once that authentication is no longer reused, the key is simply refused.
    h.clock.advance(2100);
    expect((await decide(s2.body.id, { connector: "github", tool: "issues", operation: "read" })).status).toBe(401);
  });

  it("versions intent changes: narrowing accepted, widening waits for a person, beyond the envelope denied", async () => {
    const s = await open({ goal: "triage", actions: ["github:issues.*"], maxSensitivity: "internal", ttlSeconds: 600 }, {}, otherKey);
    const change = (intent: object) =>
      call(H(intentRoute.PATCH), { token: otherKey, method: "PATCH", path: `/api/v1/sessions/${s.body.id}/intent`, params: { id: s.body.id }, body: intent });
    // Allowed under the first intent (and the session's facts are now cached).
    expect((await decide(s.body.id, { connector: "github", tool: "issues", operation: "write" }, otherKey)).body.decision).toBe("allow");
    const narrow = await change({ goal: "triage, read only", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 300 });
    expect(narrow.body).toMatchObject({ status: "accepted", intentVersion: 2 });
    // What the narrowing removed is out of intent at once.
    const removed = await decide(s.body.id, { connector: "github", tool: "issues", operation: "write" }, otherKey);
    expect(removed.body.decision).not.toBe("allow");
    const wider = await change({ goal: "triage and fix", actions: ["github:issues.read", "github:repo.push"], maxSensitivity: "internal", ttlSeconds: 300 });
    expect(wider.body).toMatchObject({ status: "pending", intentVersion: 2 });
    expect(wider.body.escalationId).toBeTruthy();
    expect(wider.body.diff.map((d: { field: string }) => d.field)).toContain("actions");
    // The widening is not in force while it waits.
    const push = await decide(s.body.id, { connector: "github", tool: "repo", operation: "push" }, otherKey);
    expect(push.body.decision).toBe("escalate");
    const beyond = await change({ goal: "x", actions: ["slack:chat.post"], maxSensitivity: "internal", ttlSeconds: 300 });
    expect(beyond.body).toMatchObject({ status: "denied" });
    expect(beyond.body.reasons.map((r: { code: string }) => r.code)).toContain("envelope.action_exceeded");
    const third = await createAgent(h.db, system, { name: "third-bot", identityKind: "key", team: "devex", purpose: "", riskTier: "low", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 600 } });
    const thirdKey = (await issueAgentKey(h.db, system, third!.id, { name: "k", expiresInDays: 1 })).secret;
    leaks.push(thirdKey);
    const foreign = await call(H(intentRoute.PATCH), { token: thirdKey, method: "PATCH", path: `/api/v1/sessions/${s.body.id}/intent`, params: { id: s.body.id }, body: { goal: "x", actions: ["github:issues.read"], maxSensitivity: "public", ttlSeconds: 60 } });
    expect(foreign.status).toBe(404);
  });

  it("decides again, against the new intent, when another instance changed it under a cached session", async () => {
    const s = await open({ goal: "triage", actions: ["github:issues.*"], maxSensitivity: "internal", ttlSeconds: 600 }, {}, otherKey);
    // This process now holds the session (intent version 1) in its short-lived cache.
    expect((await decide(s.body.id, { connector: "github", tool: "issues", operation: "write" }, otherKey)).body.decision).toBe("allow");
    // Another instance narrows the intent: this process is not told (no forgetSession here).
    const narrowed = { goal: "triage, read only", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 };
    await h.db.execute(sql`update sessions set intent = ${JSON.stringify(narrowed)}::jsonb, intent_version = 2 where id = ${s.body.id}`);
    const before = (await h.db.select({ n: sql<number>`count(*)::int` }).from(decisions).where(eq(decisions.sessionId, s.body.id)))[0].n;
    const d = await decide(s.body.id, { connector: "github", tool: "issues", operation: "write" }, otherKey);
    // Not a stale allow, and not a blanket deny for the race: the call is out of the new intent.
    expect(d.body.decision).toBe("escalate");
    expect(d.body.reasons.map((r: { code: string }) => r.code)).toContain("intent.operation_not_declared");
    // One call, one decision on the record: the discarded attempt wrote nothing.
    const rows = await h.db.select().from(decisions).where(eq(decisions.sessionId, s.body.id));
    expect(rows).toHaveLength(before + 1);
    expect(await auditFor(d.body.decisionId)).toHaveLength(1);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  // The commit re-checks key, agent and session (design.md step 6). Here the caller was
  // authenticated before the change, as a decision reusing a moments-old authentication is.
  it.each([
    ["credential.revoked", (db: Db, ids: { agent: string; credential: string }) => revokeCredential(db, system, ids.credential, "leaked")],
    ["agent.not_active", (db: Db, ids: { agent: string; credential: string }) => db.update(agents).set({ status: "quarantined" }).where(eq(agents.id, ids.agent))],
  ] as const)("records a deny naming %s when it changed while the call was being decided", async (code, change) => {
    const envelope = { actions: ["github:*"], maxSensitivity: "internal" as const, maxTtlSeconds: 3600 };
    const a = (await createAgent(h.db, system, { name: `racing-${code}`, identityKind: "key", team: "devex", purpose: "", riskTier: "medium", envelope }))!;
    const k = await issueAgentKey(h.db, system, a.id, { name: "k", expiresInDays: 1 });
    const s = await open({ goal: "read", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 }, {}, k.secret);
    const caller = await authenticateAgent(h.db, `Bearer ${k.secret}`);
    if (!("id" in caller)) throw new Error("not authenticated");
    await change(h.db, { agent: a.id, credential: k.id });
    const r = await authorize(await decisionDeps(h.rt), caller, { sessionId: s.body.id, action: { connector: "github", tool: "issues", operation: "read" } }, {});
    expect(r).toMatchObject({ decision: "deny", reasons: [{ code, message: "Changed while the decision was being made" }] });
    const rows = await h.db.select().from(decisions).where(eq(decisions.sessionId, s.body.id));
    expect(rows.map((d) => [d.id, d.outcome])).toEqual([[r.decisionId, "deny"]]);
    const [ev] = await auditFor(r.decisionId);
    expect(ev).toMatchObject({ action: "decision.deny", detail: { reasons: [code] } });
  });

  it("never answers a random body with a 500 or an allow", async () => {
    const s = await open({ goal: "fuzz", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 }, {}, otherKey);
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const value = (depth: number): unknown => {
      const k = Math.floor(rnd() * (depth > 3 ? 5 : 8));
      if (k === 0) return null;
      if (k === 1) return rnd() > 0.5;
      if (k === 2) return Math.floor(rnd() * 1e6) - 5e5;
      if (k === 3) return ["github", "issues", "read", "", "x".repeat(600), s.body.id, "../../etc", "DROP TABLE"][Math.floor(rnd() * 8)];
      if (k === 4) return "s" + Math.floor(rnd() * 100);
      if (k === 5) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (const key of ["sessionId", "action", "connector", "tool", "operation", "resource", "sensitivity", "destination", "arguments", "extra"]) if (rnd() > 0.5) o[key] = value(depth + 1);
      return o;
    };
    let nested: unknown = { sessionId: s.body.id };
    for (let i = 0; i < 200; i++) nested = { a: nested };
    const bodies: unknown[] = [nested, [], "text", 12, null];
    for (let i = 0; i < 150; i++) bodies.push(rnd() > 0.3 ? { sessionId: rnd() > 0.5 ? s.body.id : value(0), action: value(1) } : value(0));
    const before = (await h.db.select({ n: sql<number>`count(*)::int` }).from(decisions))[0].n;
    let decided = 0;
    for (const body of bodies) {
      const r = await call(H(authorizeRoute.POST), { token: otherKey, path: "/api/v1/authorize", body });
      expect(r.status, JSON.stringify(body).slice(0, 200)).toBeLessThan(500);
      if (r.status === 200) {
        decided++;
        expect(r.body.decision).not.toBe("allow");
        expect(await auditFor(r.body.decisionId)).toHaveLength(1);
      } else {
        expect(r.body.error.code).toBeTruthy();
      }
    }
    const after = (await h.db.select({ n: sql<number>`count(*)::int` }).from(decisions))[0].n;
    expect(after - before).toBe(decided);
  });

  it("has exactly one chained audit event per decision", async () => {
    const [{ n: d }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(decisions);
    const [{ n: a }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(like(auditEvents.action, "decision.%"));
    expect(d).toBeGreaterThan(6);
    expect(a).toBe(d);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });
});
