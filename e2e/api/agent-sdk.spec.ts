import { expect, request, test } from "@playwright/test";
import { Warden, WardenDenied } from "../../sdk";
import { stateFile } from "../helpers";

// The README's promise, end to end over HTTP: an agent opens a session, gets an allow, an
// escalate for an out-of-intent call and a deny for a forbidden one, and each is on the record.
test("an agent driven by the SDK gets allow, escalate and deny, each recorded", async ({ baseURL }) => {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const name = `sdk-agent-${Date.now()}`;
  const created = await analyst.post("/api/v1/agents", {
    data: {
      name,
      identityKind: "spiffe",
      identity: `spiffe://acme.internal/ns/devex/sa/${name}`,
      team: "devex",
      riskTier: "medium",
      envelope: { actions: ["github:*", "email:*"], maxSensitivity: "restricted", destinations: ["internal:*", "external:*"], maxTtlSeconds: 3600 },
    },
  });
  expect(created.status()).toBe(201);
  const agent = await created.json();
  const { secret } = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "sdk", expiresInDays: 1 } })).json();

  const warden = new Warden({ baseUrl: baseURL!, token: secret });
  const session = await warden.openSession({
    goal: "Triage new bug reports and mail a summary to the partner",
    actions: ["github:issues.read", "email:send.*"],
    maxSensitivity: "restricted",
    destinations: ["external:*"],
    ttlSeconds: 900,
  });
  expect(session.status).toBe("active");

  const listed = await warden.guard(session.id, { connector: "github", tool: "issues", operation: "read", resource: "repo:acme/api" }, () => ["#1", "#2"]);
  expect(listed).toEqual(["#1", "#2"]);

  const out = await warden.authorize(session.id, { connector: "github", tool: "issues", operation: "close" });
  expect(out.decision).toBe("escalate");
  expect(out.reasons.map((r) => r.code)).toContain("intent.operation_not_declared");
  expect(out.escalationId).toBeTruthy();
  expect((await warden.escalation(out.escalationId!, 0)).status).toBe("pending");

  let ran = false;
  const denied = await warden
    .guard(session.id, { connector: "email", tool: "send", operation: "message", sensitivity: "restricted", destination: "email:cfo@partner.example" }, () => {
      ran = true;
    })
    .catch((e) => e);
  expect(denied).toBeInstanceOf(WardenDenied);
  expect((denied as WardenDenied).decision.reasons.map((r) => r.code)).toContain("policy.forbid");
  expect(ran).toBe(false);

  const ended = await warden.endSession(session.id);
  expect(ended.status).toBe("ended");

  // The analyst sees all three on the session's timeline.
  const detail = await (await analyst.get(`/api/v1/sessions/${session.id}`)).json();
  expect(detail.decisions.map((d: { outcome: string }) => d.outcome).sort()).toEqual(["allow", "deny", "escalate"]);
  await analyst.dispose();
});

// The README's second step for a newcomer: an intent beyond the envelope the agent was registered
// with opens a pending session that decides nothing but deny; the SDK waits on its escalation
// and, once a person approves the opening, the same session's calls go through.
test("an intent beyond the agent's envelope waits, through the SDK, for a person to approve the opening", async ({ baseURL }) => {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const approver = await request.newContext({ baseURL, storageState: stateFile("approver"), extraHTTPHeaders: { origin: baseURL! } });
  const name = `sdk-narrow-agent-${Date.now()}`;
  const created = await analyst.post("/api/v1/agents", {
    data: { name, identityKind: "key", team: "devex", riskTier: "medium", envelope: { actions: ["github:issues.read"], maxSensitivity: "internal", maxTtlSeconds: 1800 } },
  });
  expect(created.status()).toBe(201);
  const agent = await created.json();
  const { secret } = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "sdk", expiresInDays: 1 } })).json();

  const warden = new Warden({ baseUrl: baseURL!, token: secret });
  // The README's intent: email and an internal destination are outside this agent's envelope.
  const session = await warden.openSession({ goal: "Triage new bug reports", actions: ["github:issues.read", "email:send.*"], maxSensitivity: "internal", destinations: ["internal:*"], ttlSeconds: 900 });
  expect(session.status).toBe("pending");
  expect(session.escalationId).toBeTruthy();

  let ran = false;
  const early = await warden.guard(session.id, { connector: "github", tool: "issues", operation: "read" }, () => (ran = true), { waitForApproval: false }).catch((e) => e);
  expect(early).toBeInstanceOf(WardenDenied);
  expect((early as WardenDenied).decision.reasons.map((r) => r.code)).toContain("session.pending");
  expect(ran).toBe(false);

  const waited = warden.waitForEscalation(session.escalationId!, { timeoutMs: 30_000 });
  const approved = await approver.post(`/api/v1/escalations/${session.escalationId}/approve`, { data: { reason: "triage intent checked" } });
  expect(approved.status()).toBe(200);
  expect((await waited).status).toBe("approved");

  expect(await warden.guard(session.id, { connector: "github", tool: "issues", operation: "read" }, () => ["#1"])).toEqual(["#1"]);
  expect((await warden.endSession(session.id)).status).toBe("ended");
  const detail = await (await analyst.get(`/api/v1/sessions/${session.id}`)).json();
  expect(detail.decisions.map((d: { outcome: string }) => d.outcome).sort()).toEqual(["allow", "deny"]);
  await Promise.all([analyst.dispose(), approver.dispose()]);
});
