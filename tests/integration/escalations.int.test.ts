import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as authorizeRoute from "../../app/api/v1/authorize/route";
import * as credentialsRoute from "../../app/api/v1/credentials/route";
import * as approveRoute from "../../app/api/v1/escalations/[id]/approve/route";
import * as denyRoute from "../../app/api/v1/escalations/[id]/deny/route";
import * as escalationRoute from "../../app/api/v1/escalations/[id]/route";
import * as endRoute from "../../app/api/v1/sessions/[id]/end/route";
import * as intentRoute from "../../app/api/v1/sessions/[id]/intent/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, decisions, escalations, escalationVotes, grants, sessionIntents, sessions } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { expireEscalations } from "../../lib/services/escalations/decide";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const PASSWORD = "a long test password";
const leaks: string[] = [PASSWORD];
const call = routeCaller((text) => {
  for (const l of leaks) expect(text).not.toContain(l);
});
const H = (h: unknown) => h as RouteHandler;
type P = { id: string; email: string; token: string };

describe.each(DB_KINDS)("escalations, approvals and separation of duties on %s", (kind) => {
  let h: DatabaseHandle;
  let key: string;
  let agentId: string;
  let approverA: P, approverB: P, owner: P, analyst: P;

  const intent = { goal: "triage issues", actions: ["github:issues.read"], maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 600 };
  const write = { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/api" };
  const mail = { connector: "email", tool: "send", operation: "message", destination: "email:someone@partner.example" };
  const open = async (i: object = intent) => (await call(H(sessionsRoute.POST), { token: key, path: "/api/v1/sessions", body: { intent: i } })).body;
  const decide = async (sessionId: string, action: object) => (await call(H(authorizeRoute.POST), { token: key, path: "/api/v1/authorize", body: { sessionId, action } })).body;
  const approve = (p: P, id: string, body: object = { reason: "looks right" }) => call(H(approveRoute.POST), { token: p.token, path: `/api/v1/escalations/${id}/approve`, params: { id }, body });
  const deny = (p: P, id: string, body: object = { reason: "not for this task" }) => call(H(denyRoute.POST), { token: p.token, path: `/api/v1/escalations/${id}/deny`, params: { id }, body });
  const view = (p: P, id: string) => call(H(escalationRoute.GET), { token: p.token, path: `/api/v1/escalations/${id}`, params: { id } });
  const agentView = (id: string) => call(H(escalationRoute.GET), { token: key, path: `/api/v1/escalations/${id}`, params: { id } });
  const audits = (id: string) => h.db.select().from(auditEvents).where(eq(auditEvents.targetId, id)).orderBy(auditEvents.seq);

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    [approverA, approverB, owner, analyst] = await Promise.all([
      personWithToken(h.db, "approver-a@warden.test", "approver"),
      personWithToken(h.db, "approver-b@warden.test", "approver"),
      personWithToken(h.db, "owner@warden.test", "approver"),
      personWithToken(h.db, "analyst@warden.test", "analyst"),
    ]);
    const envelope = { actions: ["github:*", "email:*"], maxSensitivity: "confidential" as const, destinations: ["internal:*", "email:*"], maxTtlSeconds: 3600 };
    const a = await createAgent(h.db, system, { name: "triage-bot", identityKind: "key", team: "devex", purpose: "", riskTier: "low", envelope, ownerId: owner.id });
    agentId = a!.id;
    key = (await issueAgentKey(h.db, system, agentId, { name: "k", expiresInDays: 1 })).secret;
    leaks.push(key);
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] }] }));
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "email", displayName: "Email", kind: "messaging", sensitivity: "internal", tools: [{ name: "send", operations: [{ name: "message", access: "write" }] }] }));
  });
  afterAll(async () => h?.close());

  it("an approval for this call once turns the next identical call into an allow that points at it, and only once", async () => {
    const s = await open();
    const first = await decide(s.id, write);
    expect(first.decision).toBe("escalate");
    const escId = first.escalationId;

    // The queue's detail view tells each person whether they may decide, and why not.
    const seen = await view(approverA, escId);
    expect(seen.status).toBe(200);
    expect(seen.body.viewer).toMatchObject({ canDecide: true, needsPassword: false });
    expect(seen.body.scopes).toEqual(["once", "session", "amend_intent"]);
    expect(seen.body.agent).toMatchObject({ id: agentId, ownerId: owner.id });
    expect(seen.body.recentDecisions[0]).toMatchObject({ id: first.decisionId, outcome: "escalate" });
    expect((await view(owner, escId)).body.viewer).toMatchObject({ canDecide: false, blockedBy: expect.stringMatching(/own this agent/) });
    expect((await view(analyst, escId)).body.viewer).toMatchObject({ canDecide: false, blockedBy: expect.stringMatching(/not decide/) });

    // Analysts see but cannot decide; owners cannot approve their own agent — the server refuses.
    expect((await approve(analyst, escId)).status).toBe(403);
    const own = await approve(owner, escId);
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/own this agent/);
    expect(await h.db.select().from(escalationVotes).where(eq(escalationVotes.escalationId, escId))).toHaveLength(0);
    expect((await approve(approverA, escId, { reason: "" })).status).toBe(400);

    const ok = await approve(approverA, escId, { reason: "needed to label the bug" });
    expect(ok.status).toBe(200);
    expect(ok.body.escalation).toMatchObject({ status: "approved", approvals: 1, requiredApprovals: 1 });
    expect(ok.body.grant).toMatchObject({ scope: "once", usesLeft: 1 });
    expect((await agentView(escId)).body).toMatchObject({ status: "approved", grantId: ok.body.grant.id });
    expect((await approve(approverB, escId)).status).toBe(409); // already settled

    // A different action or another session does not match the grant.
    expect((await decide(s.id, { ...write, resource: "repo:acme/other" })).decision).toBe("escalate");
    const other = await open();
    expect((await decide(other.id, write)).decision).toBe("escalate");

    const again = await decide(s.id, write);
    expect(again).toMatchObject({ decision: "allow", escalationId: escId, grantId: ok.body.grant.id });
    expect(again.reasons[0].code).toBe("approval.granted");
    const [row] = await h.db.select().from(decisions).where(eq(decisions.id, again.decisionId));
    expect(row).toMatchObject({ outcome: "allow", escalationId: escId, grantId: ok.body.grant.id });
    const [ev] = await audits(again.decisionId);
    expect(ev.detail).toMatchObject({ escalationId: escId, grantId: ok.body.grant.id, approvedOver: ["intent.operation_not_declared"] });

    // Replay after use: a new escalation, not an allow.
    const replay = await decide(s.id, write);
    expect(replay.decision).toBe("escalate");
    expect(replay.escalationId).not.toBe(escId);

    const trail = (await audits(escId)).map((e) => e.action);
    expect(trail).toContain("escalation.approved");
  });

  it("a 'once' grant is used by exactly one of many concurrent identical calls", async () => {
    const s = await open();
    const e = await decide(s.id, write);
    const ok = await approve(approverA, e.escalationId, { reason: "once is fine" });
    expect(ok.status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 6 }, () => decide(s.id, write)));
    expect(answers.filter((a) => a.decision === "allow")).toHaveLength(1);
    expect(answers.filter((a) => a.decision === "escalate")).toHaveLength(5);
  });

  it("an approval for the session allows the exact action repeatedly, nothing else", async () => {
    const s = await open();
    const e = await decide(s.id, write);
    const ok = await approve(approverA, e.escalationId, { reason: "for this task", scope: "session" });
    expect(ok.body.grant).toMatchObject({ scope: "session", usesLeft: null });
    expect((await decide(s.id, write)).decision).toBe("allow");
    expect((await decide(s.id, write)).decision).toBe("allow");
    expect((await decide(s.id, { ...write, operation: "read", resource: "repo:x" })).decision).toBe("allow"); // inside the intent anyway
    expect((await decide(s.id, { ...write, resource: "repo:acme/web" })).decision).toBe("escalate");
  });

  it("amending the intent adds exactly the action as a new intent version filed by the approver", async () => {
    const s = await open();
    const e = await decide(s.id, write);
    const ok = await approve(approverA, e.escalationId, { reason: "part of the job", scope: "amend_intent" });
    expect(ok.status).toBe(200);
    expect(ok.body.intentVersion).toBe(2);
    const [row] = await h.db.select().from(sessions).where(eq(sessions.id, s.id));
    expect(row.intent.actions).toEqual(["github:issues.read", "github:issues.write"]);
    const [v2] = await h.db.select().from(sessionIntents).where(and(eq(sessionIntents.sessionId, s.id), eq(sessionIntents.version, 2)));
    expect(v2).toMatchObject({ status: "accepted", requestedBy: `person:${approverA.id}` });
    const d = await decide(s.id, write);
    expect(d).toMatchObject({ decision: "allow", reasons: [] });
  });

  it("a high-risk escalation needs two different approvers, each re-entering their password", async () => {
    const s = await open({ ...intent, actions: ["github:issues.read", "email:send.message"] });
    const e = await decide(s.id, mail);
    expect(e.decision).toBe("escalate");
    const [esc] = await h.db.select().from(escalations).where(eq(escalations.id, e.escalationId));
    expect(esc).toMatchObject({ risk: "high", requiredApprovals: 2 });
    expect((await view(approverA, e.escalationId)).body.viewer.needsPassword).toBe(true);

    const noPassword = await approve(approverA, e.escalationId, { reason: "partner asked" });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.message).toMatch(/password/i);
    const wrong = await approve(approverA, e.escalationId, { reason: "partner asked", password: "not my password" });
    expect(wrong.status).toBe(403);
    expect((await audits(e.escalationId)).map((a) => a.action)).toContain("escalation.reauthentication_failed");

    const one = await approve(approverA, e.escalationId, { reason: "partner asked", password: PASSWORD });
    expect(one.body.escalation).toMatchObject({ status: "pending", approvals: 1, requiredApprovals: 2 });
    expect((await decide(s.id, mail)).decision).toBe("escalate"); // not yet
    const twice = await approve(approverA, e.escalationId, { reason: "again", password: PASSWORD });
    expect(twice.status).toBe(403);
    expect(twice.body.error.message).toMatch(/already voted/);

    const two = await approve(approverB, e.escalationId, { reason: "confirmed with the partner", password: PASSWORD });
    expect(two.body.escalation).toMatchObject({ status: "approved", approvals: 2 });
    const [firstEscalationOfTheRetry] = await h.db.select().from(escalations).where(and(eq(escalations.sessionId, s.id), eq(escalations.status, "pending")));
    // The retry before approval raised its own escalation; the approved one's grant is used now.
    expect(firstEscalationOfTheRetry).toBeDefined();
    expect((await decide(s.id, mail))).toMatchObject({ decision: "allow", escalationId: e.escalationId });
    expect((await audits(e.escalationId)).map((a) => a.action)).toEqual(expect.arrayContaining(["escalation.approval_recorded", "escalation.approved"]));
  });

  it("a deny settles it at once; the agent sees denied; votes cannot be edited", async () => {
    const s = await open();
    const e = await decide(s.id, write);
    const d = await deny(approverA, e.escalationId);
    expect(d.body.escalation).toMatchObject({ status: "denied", resolution: "not for this task" });
    expect((await agentView(e.escalationId)).body).toMatchObject({ status: "denied", grantId: null });
    expect((await approve(approverB, e.escalationId)).status).toBe(409);
    expect((await decide(s.id, write)).decision).toBe("escalate");
    await expect(h.db.update(escalationVotes).set({ reason: "edited" }).where(eq(escalationVotes.escalationId, e.escalationId))).rejects.toThrow();
    await expect(h.db.delete(escalationVotes).where(eq(escalationVotes.escalationId, e.escalationId))).rejects.toThrow();
  });

  it("unanswered escalations expire, count as denied and cannot be approved afterwards", async () => {
    const s = await open();
    const e = await decide(s.id, write);
    await h.db.update(escalations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(escalations.id, e.escalationId));
    expect((await agentView(e.escalationId)).body.status).toBe("expired");
    expect((await approve(approverA, e.escalationId)).status).toBe(409);
    expect(await expireEscalations(h.db)).toBeGreaterThanOrEqual(1);
    const [row] = await h.db.select().from(escalations).where(eq(escalations.id, e.escalationId));
    expect(row.status).toBe("expired");
    expect((await audits(e.escalationId)).map((a) => a.action)).toContain("escalation.expired");
  });

  it("an approved intent change takes effect; a denied one is rejected", async () => {
    const s = await open();
    const wider = { ...intent, actions: ["github:issues.*"] };
    const req = await call(H(intentRoute.PATCH), { token: key, method: "PATCH", path: `/api/v1/sessions/${s.id}/intent`, params: { id: s.id }, body: wider });
    expect(req.body.status).toBe("pending");
    const v = await view(approverA, req.body.escalationId);
    expect(v.body.scopes).toEqual([]);
    expect((await approve(approverA, req.body.escalationId, { reason: "fine", scope: "session" })).status).toBe(400);
    const ok = await approve(approverA, req.body.escalationId, { reason: "fine" });
    expect(ok.body).toMatchObject({ escalation: { status: "approved" }, intentVersion: req.body.intentVersion + 1 });
    expect((await decide(s.id, write)).decision).toBe("allow");

    const s2 = await open();
    const req2 = await call(H(intentRoute.PATCH), { token: key, method: "PATCH", path: `/api/v1/sessions/${s2.id}/intent`, params: { id: s2.id }, body: wider });
    await deny(approverB, req2.body.escalationId);
    const versions = await h.db.select().from(sessionIntents).where(eq(sessionIntents.sessionId, s2.id));
    expect(versions.find((x) => x.version === 2)?.status).toBe("rejected");
    expect((await decide(s2.id, write)).decision).toBe("escalate");
  });

  it("a person's intent change: narrowing applies, widening waits for someone other than its filer", async () => {
    const s = await open();
    const propose = (p: P, body: object) => call(H(intentRoute.PATCH), { token: p.token, method: "PATCH", path: `/api/v1/sessions/${s.id}/intent`, params: { id: s.id }, body });
    const wider = { ...intent, actions: ["github:issues.*"] };
    expect((await propose(analyst, { intent: wider })).status).toBe(400); // a reason is required
    const filed = await propose(analyst, { intent: wider, reason: "the task now includes labelling" });
    expect(filed.body).toMatchObject({ status: "pending" });
    const [esc] = await h.db.select().from(escalations).where(eq(escalations.id, filed.body.escalationId));
    expect(esc.requestedBy).toBe(`person:${analyst.id}`);
    const byApprover = await propose(approverA, { intent: { ...intent, actions: ["github:issues.*"], goal: "x" }, reason: "another" });
    const own = await approve(approverA, byApprover.body.escalationId, { reason: "mine" });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/filed this request/);
    expect((await view(approverA, byApprover.body.escalationId)).body.viewer.blockedBy).toMatch(/filed this request/);
    expect((await approve(approverB, filed.body.escalationId, { reason: "agreed" })).body.escalation.status).toBe("approved");
    expect((await decide(s.id, write)).decision).toBe("allow");
    // Narrowing by a person applies at once; an auditor may not file changes at all.
    const auditor = await personWithToken(h.db, `auditor-${kind}@warden.test`, "auditor");
    expect((await propose(auditor, { intent, reason: "narrow" })).status).toBe(403);
    const narrowed = await propose(analyst, { intent: { ...intent, actions: ["github:issues.read"] }, reason: "back to reading" });
    expect(narrowed.body.status).toBe("accepted");
    expect((await decide(s.id, write)).decision).toBe("escalate");
  });

  it("an approved just-in-time credential request is issued once on the next identical request", async () => {
    const s = await open();
    const ask = async (operations: string[]) => (await call(H(credentialsRoute.POST), { token: key, path: "/api/v1/credentials", body: { sessionId: s.id, connector: "github", operations } })).body;
    const first = await ask(["issues.write"]);
    expect(first.decision).toBe("escalate");
    const v = await view(approverA, first.escalationId);
    expect(v.body.scopes).toEqual(["once", "session"]);
    await approve(approverA, first.escalationId, { reason: "write token for the fix" });
    expect((await ask(["issues.read", "issues.write"])).decision).toBe("escalate"); // not the same request
    const issued = await ask(["issues.write"]);
    expect(issued.decision).toBe("allow");
    leaks.push(issued.secret);
    expect((await ask(["issues.write"])).decision).toBe("escalate"); // used once
  });

  it("a session opened beyond the envelope starts only when a person approves it", async () => {
    const s = await open({ ...intent, maxSensitivity: "restricted" });
    expect(s.status).toBe("pending");
    const ok = await approve(approverA, s.escalationId, { reason: "one-off audit", password: PASSWORD });
    expect(ok.body.escalation.status).toBe("pending"); // restricted: two people
    await approve(approverB, s.escalationId, { reason: "agreed", password: PASSWORD });
    const [row] = await h.db.select().from(sessions).where(eq(sessions.id, s.id));
    expect(row.status).toBe("active");
    expect((await decide(s.id, { connector: "github", tool: "issues", operation: "read" })).decision).toBe("allow");
  });

  it("ending a session withdraws its pending escalations and revokes its unused approvals", async () => {
    const s = await open();
    const pending = await decide(s.id, write);
    const other = await decide(s.id, { ...write, resource: "repo:acme/web" });
    const ok = await approve(approverA, other.escalationId, { reason: "fine", scope: "session" });
    await call(H(endRoute.POST), { token: key, path: `/api/v1/sessions/${s.id}/end`, params: { id: s.id }, body: { reason: "done" } });
    const [e] = await h.db.select().from(escalations).where(eq(escalations.id, pending.escalationId));
    expect(e).toMatchObject({ status: "expired", resolution: "The session ended before anyone answered" });
    expect((await agentView(pending.escalationId)).body.status).toBe("expired");
    expect((await approve(approverA, pending.escalationId)).status).toBe(409);
    const [g] = await h.db.select().from(grants).where(eq(grants.id, ok.body.grant.id));
    expect(g.revokedAt).not.toBeNull();
    expect((await audits(pending.escalationId)).map((a) => a.action)).toContain("escalation.expired");
  });

  it("an unknown escalation is 404 and the chain still verifies", async () => {
    expect((await view(approverA, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await approve(approverA, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });
});
