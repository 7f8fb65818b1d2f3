import { spawn, type ChildProcess } from "node:child_process";
import { expect, request, test } from "@playwright/test";
import { Warden } from "../../sdk";
import { stateFile } from "../helpers";

// Two app instances on one Postgres: a policy change made through one is in force on the other
// within a second, and a revocation on one is in force on the other at once (design.md "Scale":
// Postgres is the only state).
let second: ChildProcess | undefined;
let secondURL: string;

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(120_000);
  const port = Number(new URL(baseURL!).port) + 2;
  secondURL = `http://127.0.0.1:${port}`;
  second = spawn("node", [".next/warden-server.cjs", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, PORT: String(port), NODE_ENV: "production", WARDEN_DEMO: "0", NEXTAUTH_URL: secondURL },
    stdio: "ignore",
    detached: true,
  });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${secondURL}/api/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("second instance did not start");
});

test.afterAll(() => {
  if (second?.pid) {
    try {
      process.kill(-second.pid, "SIGTERM");
    } catch {}
  }
});

test("a policy disabled on one instance stops applying on another within a second", async ({ baseURL }) => {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const admin = await request.newContext({ baseURL, storageState: stateFile("admin"), extraHTTPHeaders: { origin: baseURL! } });
  const name = `mi-agent-${Date.now()}`;
  const agent = await (
    await analyst.post("/api/v1/agents", {
      data: { name, identityKind: "key", team: "finance", riskTier: "medium", envelope: { actions: ["email:*"], maxSensitivity: "restricted", destinations: ["external:*"], maxTtlSeconds: 3600 } },
    })
  ).json();
  const { secret } = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "mi", expiresInDays: 1 } })).json();

  // The agent talks to the second instance only.
  const warden = new Warden({ baseUrl: secondURL, token: secret });
  const s = await warden.openSession({ goal: "send the board pack", actions: ["email:send.message"], maxSensitivity: "restricted", destinations: ["external:*"], ttlSeconds: 900 });
  const action = { connector: "email", tool: "send", operation: "message", sensitivity: "restricted" as const, destination: "email:board@partner.example" };
  const codes = async () => (await warden.authorize(s.id, action)).reasons.map((r) => r.code);
  expect(await codes()).toContain("policy.forbid");

  const list = await (await admin.get("/api/v1/policies?q=restricted-data-stays-internal")).json();
  const policy = list.items.find((p: { name: string }) => p.name === "restricted-data-stays-internal");
  expect((await admin.post(`/api/v1/policies/${policy.id}/disable`, { data: { reason: "multi-instance test" } })).status()).toBe(200);
  // Each instance re-checks the policy set at least every 500 ms: the other one follows.
  await expect.poll(codes, { timeout: 5_000 }).not.toContain("policy.forbid");

  expect((await admin.post(`/api/v1/policies/${policy.id}/enable`, { data: { reason: "multi-instance test done" } })).status()).toBe(200);
  await expect.poll(codes, { timeout: 5_000 }).toContain("policy.forbid");
  await analyst.dispose();
  await admin.dispose();
});

test("a credential revoked on one instance fails its very next check on the other", async ({ baseURL }) => {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const approver = await request.newContext({ baseURL, storageState: stateFile("approver"), extraHTTPHeaders: { origin: baseURL! } });
  // The tool that receives the credential introspects it on the second instance, with a token.
  const { token: toolToken } = await (await analyst.post("/api/v1/tokens", { data: { name: `introspection-${Date.now()}`, expiresInDays: 1 } })).json();
  const introspect = async (secret: string) =>
    (await fetch(`${secondURL}/api/v1/credentials/introspect`, { method: "POST", headers: { authorization: `Bearer ${toolToken}`, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: secret }) })).json();

  const name = `mi-revoke-${Date.now()}`;
  const agent = await (
    await analyst.post("/api/v1/agents", { data: { name, identityKind: "key", team: "devex", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } } })
  ).json();
  const key = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "mi", expiresInDays: 1 } })).json();
  const warden = new Warden({ baseUrl: secondURL, token: key.secret });
  const s = await warden.openSession({ goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 900 });

  for (let i = 0; i < 5; i++) {
    const issued = await warden.requestCredential(s.id, { connector: "github", operations: ["issues.read"], ttlSeconds: 300 });
    if (issued.decision !== "allow") throw new Error(`expected a credential, got ${issued.decision}`);
    expect(await introspect(issued.secret)).toMatchObject({ active: true, scope: "github:issues.read" });
    const revoked = await approver.post(`/api/v1/credentials/${issued.credential.id}/revoke`, { data: { reason: `multi-instance check ${i}` } });
    expect(revoked.status()).toBe(200);
    // Nothing in between: the very next check, on the other instance.
    expect(await introspect(issued.secret)).toEqual({ active: false });
  }

  // The agent's own key: the second instance has just authenticated it (and may reuse that for
  // a moment on the decision path); revoked on the first, the next decision there is a deny.
  const action = { connector: "github", tool: "issues", operation: "read" };
  expect((await warden.authorize(s.id, action)).decision).toBe("allow");
  expect((await approver.post(`/api/v1/credentials/${key.id}/revoke`, { data: { reason: "multi-instance key check" } })).status()).toBe(200);
  const next = await warden.authorize(s.id, action).then(
    (d) => d.decision,
    (err: { status?: number }) => err.status,
  );
  expect(["deny", 401]).toContain(next);
  await analyst.dispose();
  await approver.dispose();
});
