import { spawn, type ChildProcess } from "node:child_process";
import { expect, request, test } from "@playwright/test";
import { Warden } from "../../sdk";
import { stateFile } from "../helpers";

// Two app instances on one Postgres: a policy change made through one is in force on the other
// within a second (design.md "Scale": Postgres is the only state).
let second: ChildProcess | undefined;
let secondURL: string;

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(120_000);
  const port = Number(new URL(baseURL!).port) + 2;
  secondURL = `http://127.0.0.1:${port}`;
  second = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
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
  await new Promise((r) => setTimeout(r, 1000));
  expect(await codes()).not.toContain("policy.forbid");

  expect((await admin.post(`/api/v1/policies/${policy.id}/enable`, { data: { reason: "multi-instance test done" } })).status()).toBe(200);
  await new Promise((r) => setTimeout(r, 1000));
  expect(await codes()).toContain("policy.forbid");
  await analyst.dispose();
  await admin.dispose();
});
