import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { expect, request, test } from "@playwright/test";
import pg from "pg";
import { Warden } from "../../sdk";
import { stateFile } from "../helpers";
import { appProcessOf } from "../../tests/processes";

// `npm start` on Postgres is two processes on one port (lib/server/front.ts): a front that
// answers decisions itself and passes everything else to the app process (Next) behind it.
// Each stands or falls with the other: half a Warden never keeps serving.

type Instance = { front: ChildProcess; app: number; base: string; exit: Promise<number | null> };

async function startInstance(port: number, opts: { stderr?: "pipe"; env?: Record<string, string> } = {}): Promise<Instance> {
  const base = `http://127.0.0.1:${port}`;
  const front = spawn("node", [".next/warden-server.cjs", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, PORT: String(port), NODE_ENV: "production", WARDEN_DEMO: "0", NEXTAUTH_URL: base, ...opts.env },
    stdio: ["ignore", "ignore", opts.stderr ?? "ignore"],
    detached: true,
  });
  const exit = new Promise<number | null>((resolve) => front.on("exit", (code) => resolve(code)));
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 200) throw new Error("instance did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  return { front, app: appProcessOf(front.pid!), base, exit };
}

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].startsWith("Z");

async function gone(pid: number, withinMs: number) {
  for (const t0 = Date.now(); Date.now() - t0 < withinMs; ) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

let running: Instance[] = [];
test.afterEach(() => {
  for (const i of running) {
    try {
      process.kill(-i.front.pid!, "SIGKILL");
    } catch {}
  }
  running = [];
});

test("decisions, pages and the management API all answer on one port", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const inst = await startInstance(Number(new URL(baseURL!).port) + 3);
  running.push(inst);
  expect(inst.app).not.toBe(inst.front.pid);

  const page = await fetch(`${inst.base}/sign-in`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toContain("text/html");
  expect(page.headers.get("x-frame-options")).toBe("DENY");

  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const agent = await (await analyst.post("/api/v1/agents", { data: { name: `proc-agent-${Date.now()}`, identityKind: "key", team: "t", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } } })).json();
  const { secret } = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "proc", expiresInDays: 1 } })).json();
  // Opening a session goes to the app process; authorize is the front's own.
  const warden = new Warden({ baseUrl: inst.base, token: secret });
  const s = await warden.openSession({ goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
  expect((await warden.authorize(s.id, { connector: "github", tool: "issues", operation: "read" })).decision).toBe("allow");
  expect((await warden.authorize(s.id, { connector: "github", tool: "issues", operation: "write" })).decision).toBe("escalate");
  const unauth = await fetch(`${inst.base}/api/v1/agents`);
  expect(unauth.status).toBe(401);
  expect((await unauth.json()).error.code).toBe("unauthenticated");
});

test("when the app process dies, the front stops too (exit code 1), so a supervisor restarts both", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const inst = await startInstance(Number(new URL(baseURL!).port) + 3);
  running.push(inst);
  process.kill(inst.app, "SIGKILL");
  expect(await Promise.race([inst.exit, new Promise((r) => setTimeout(() => r("still running"), 10_000))])).toBe(1);
  expect(await fetch(`${inst.base}/api/health`).then((r) => r.status, () => "refused")).toBe("refused");
});

test("when the front is killed outright, the app process behind it exits", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const inst = await startInstance(Number(new URL(baseURL!).port) + 3);
  running.push(inst);
  process.kill(inst.front.pid!, "SIGKILL");
  expect(await gone(inst.app, 10_000)).toBe(true);
});

test("SIGTERM stops both, each after finishing its decisions in flight", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const inst = await startInstance(Number(new URL(baseURL!).port) + 3);
  running.push(inst);
  process.kill(inst.front.pid!, "SIGTERM");
  expect(await Promise.race([inst.exit, new Promise((r) => setTimeout(() => r("still running"), 15_000))])).toBe(0);
  expect(await gone(inst.app, 10_000)).toBe(true);
});

test("a signal to the whole group (Ctrl-C, a container stop) stops both cleanly, decisions in flight answered", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const inst = await startInstance(Number(new URL(baseURL!).port) + 3);
  running.push(inst);
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const agent = await (await analyst.post("/api/v1/agents", { data: { name: `proc-group-${Date.now()}`, identityKind: "key", team: "t", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } } })).json();
  const { secret } = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "proc", expiresInDays: 1 } })).json();
  const warden = new Warden({ baseUrl: inst.base, token: secret });
  const s = await warden.openSession({ goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
  const read = { connector: "github", tool: "issues", operation: "read" };
  expect((await warden.authorize(s.id, read)).decision).toBe("allow");

  // Hold the session's row, so the next decisions are computed but cannot commit: the front is
  // then still finishing them when the signal reaches both processes, and the app process,
  // with nothing to finish, exits first.
  const holder = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await holder.connect();
  try {
    await holder.query("begin");
    await holder.query("select 1 from sessions where id = $1 for update", [s.id]);
    const inFlight = Array.from({ length: 20 }, () => warden.authorize(s.id, read).then((d) => d.decision, (e: Error) => `failed: ${e.message}`));
    await new Promise((r) => setTimeout(r, 500));
    process.kill(-inst.front.pid!, "SIGTERM");
    expect(await gone(inst.app, 10_000)).toBe(true);
    // The app process ending now is expected, not a crash: the front keeps finishing.
    expect(alive(inst.front.pid!)).toBe(true);
    await holder.query("commit");
    expect(await Promise.race([inst.exit, new Promise((r) => setTimeout(() => r("still running"), 15_000))])).toBe(0);
    expect(await Promise.all(inFlight)).toEqual(Array(20).fill("allow"));
  } finally {
    await holder.end();
  }
});

test("when its log reader goes away, both processes keep serving instead of spinning on the closed pipe", async ({ baseURL }) => {
  test.setTimeout(120_000);
  // Its own application name, so only this instance's database connections are cut below.
  const appName = `warden-e2e-closed-log-${Date.now()}`;
  const inst = await startInstance(Number(new URL(baseURL!).port) + 3, { stderr: "pipe", env: { PGAPPNAME: appName } });
  running.push(inst);
  inst.front.stderr!.destroy(); // the reader of both processes' stderr is gone
  // Cutting their connections makes both processes log to stderr (pool error, change feed lost).
  // Before the fix, the app process then looped on its own EPIPE at 100% of a core (Next's
  // uncaughtException handler logging to the closed pipe) and never answered again.
  const admin = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [appName]);
    expect(rowCount).toBeGreaterThan(0);
  } finally {
    await admin.end();
  }
  await new Promise((r) => setTimeout(r, 1_000));
  const answered = async () => {
    const ctl = AbortSignal.timeout(5_000);
    return fetch(`${inst.base}/api/health`, { signal: ctl }).then((r) => r.status, (e: Error) => e.name);
  };
  // Pages (the app process) and decisions' port (the front) both still answer, repeatedly.
  for (let i = 0; i < 3; i++) expect(await answered()).toBe(200);
  expect(alive(inst.front.pid!)).toBe(true);
  expect(alive(inst.app)).toBe(true);
  const page = await fetch(`${inst.base}/sign-in`, { signal: AbortSignal.timeout(5_000) });
  expect(page.status).toBe(200);
});
