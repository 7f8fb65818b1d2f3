import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { expect, request, test } from "@playwright/test";
import { Warden } from "../../sdk";
import { stateFile } from "../helpers";
import { appProcessOf } from "../../tests/processes";

// Bounded connections (README, "Limits"), against the built server as `npm start` runs it:
// the front with its app process behind it (Postgres), and everything in one process
// (WARDEN_SINGLE_PROCESS=1, the same listener as on the embedded database). Each instance runs
// with short limits so slow clients are cut in seconds; every timing check is a bound with a
// wide margin (within 3× the limit), never a measurement.
const LIMITS = { headers: 1, request: 3, bodyIdle: 1, app: 5, connections: 24 };
const ENV = {
  WARDEN_HEADERS_TIMEOUT_SECONDS: String(LIMITS.headers),
  WARDEN_REQUEST_TIMEOUT_SECONDS: String(LIMITS.request),
  WARDEN_BODY_IDLE_TIMEOUT_SECONDS: String(LIMITS.bodyIdle),
  WARDEN_APP_TIMEOUT_SECONDS: String(LIMITS.app),
  WARDEN_MAX_CONNECTIONS: String(LIMITS.connections),
};
const s = (seconds: number) => seconds * 1000;

type Instance = { mode: string; proc: ChildProcess; port: number; base: string; stderr: () => string };
const instances: Record<"front" | "single", Instance | undefined> = { front: undefined, single: undefined };
let agentKey = "";
let cookie = "";

async function startInstance(mode: "front" | "single", port: number): Promise<Instance> {
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn("node", [".next/warden-server.cjs", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      ...process.env,
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      PORT: String(port),
      NODE_ENV: "production",
      WARDEN_DEMO: "0",
      NEXTAUTH_URL: base,
      ...ENV,
      ...(mode === "single" ? { WARDEN_SINGLE_PROCESS: "1" } : {}),
    },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  proc.stderr!.on("data", (d) => (stderr += d));
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 200) throw new Error(`${mode} instance did not start`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { mode, proc, port, base, stderr: () => stderr };
}

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(180_000);
  const port = Number(new URL(baseURL!).port);
  [instances.front, instances.single] = await Promise.all([startInstance("front", port + 4), startInstance("single", port + 5)]);
  // An agent key (for the decision endpoint) and the analyst's browser session (for Next routes).
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const agent = await (await analyst.post("/api/v1/agents", { data: { name: `conn-agent-${Date.now()}`, identityKind: "key", team: "t", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } } })).json();
  agentKey = (await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "conn", expiresInDays: 1 } })).json()).secret;
  await analyst.dispose();
  const state = JSON.parse(fs.readFileSync(stateFile("analyst"), "utf8")) as { cookies: { name: string; value: string }[] };
  cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
});

test.afterAll(async () => {
  for (const inst of Object.values(instances)) {
    if (!inst?.proc.pid) continue;
    try {
      process.kill(-inst.proc.pid, "SIGCONT"); // in case a test stopped the app process and failed before resuming it
      process.kill(-inst.proc.pid, "SIGTERM");
    } catch {}
  }
});

/** A raw TCP client: sends what it is told, records what comes back and when the server closed it. */
function rawClient(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  const t0 = performance.now();
  let received = "";
  socket.on("data", (d) => (received += d));
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now() - t0)));
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return {
    socket,
    connected,
    closed,
    received: () => received,
    send: (text: string) => socket.write(text),
    waitFor: (text: string, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" within ${ms} ms; got: ${received.slice(0, 500)}`)), ms);
        const check = () => {
          if (!received.includes(text)) return;
          clearTimeout(timer);
          resolve();
        };
        check();
        socket.on("data", check);
      }),
  };
}

function parse(raw: string) {
  const cut = raw.indexOf("\r\n\r\n");
  const [status, ...lines] = raw.slice(0, cut).split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  let body = raw.slice(cut + 4);
  if (headers["transfer-encoding"] === "chunked") body = dechunk(body);
  return { status: Number(status.split(" ")[1]), headers, body: headers["content-type"] === "application/json" ? JSON.parse(body) : body };
}

function dechunk(text: string): string {
  let out = "";
  for (let at = 0; ; ) {
    const eol = text.indexOf("\r\n", at);
    const size = parseInt(text.slice(at, eol), 16);
    if (!size) return out;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

const authorizeHead = (host: string, length: number, requestId: string) =>
  `POST /api/v1/authorize HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${agentKey}\r\nContent-Type: application/json\r\nX-Request-Id: ${requestId}\r\nContent-Length: ${length}\r\n\r\n`;

for (const mode of ["front", "single"] as const) {
  test.describe(`${mode === "front" ? "the front (two processes)" : "a single process"}`, () => {
    const inst = () => instances[mode]!;
    const host = () => `127.0.0.1:${inst().port}`;

    test("partial headers are answered 408 and the connection closed within the headers timeout", async () => {
      const c = rawClient(inst().port);
      await c.connected;
      c.send(`GET /api/health HTTP/1.1\r\nHost: ${host()}\r\nX-Half: `);
      const closedAt = await c.closed;
      expect(closedAt).toBeLessThan(3 * s(LIMITS.headers));
      expect(closedAt).toBeGreaterThan(s(LIMITS.headers) / 2);
      const r = parse(c.received());
      expect(r.status).toBe(408);
      expect(r.body).toEqual({ error: { code: "request_timeout", message: `The request headers did not arrive within ${LIMITS.headers} s`, requestId: expect.any(String) } });
    });

    test("a body that stops arriving on POST /api/v1/authorize is answered 408 within the body-idle timeout", async () => {
      const c = rawClient(inst().port);
      await c.connected;
      c.send(authorizeHead(host(), 200, `${mode}-stalled-decision`) + '{"sessionId":');
      const closedAt = await c.closed;
      expect(closedAt).toBeLessThan(3 * s(LIMITS.bodyIdle));
      const r = parse(c.received());
      expect(r.status).toBe(408);
      expect(r.headers["x-request-id"]).toBe(`${mode}-stalled-decision`);
      expect(r.body.error).toMatchObject({ code: "request_timeout", message: `The request body stopped arriving: nothing for ${LIMITS.bodyIdle} s` });
    });

    test("a body that stops arriving on a Next route (POST /api/v1/agents) is answered 408 within the body-idle timeout", async () => {
      const c = rawClient(inst().port);
      await c.connected;
      c.send(
        `POST /api/v1/agents HTTP/1.1\r\nHost: ${host()}\r\nOrigin: ${inst().base}\r\nCookie: ${cookie}\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n{"name":"half-`,
      );
      const closedAt = await c.closed;
      expect(closedAt).toBeLessThan(3 * s(LIMITS.bodyIdle));
      const r = parse(c.received());
      expect(r.status).toBe(408);
      expect(r.body.error.code).toBe("request_timeout");
    });

    test("a body that trickles in is cut at the request timeout", async () => {
      const c = rawClient(inst().port);
      await c.connected;
      c.send(authorizeHead(host(), 5_000, `${mode}-trickle`));
      const drip = setInterval(() => c.send(" "), s(LIMITS.bodyIdle) / 4);
      try {
        const closedAt = await c.closed;
        expect(closedAt).toBeGreaterThan(s(LIMITS.request) / 2);
        expect(closedAt).toBeLessThan(3 * s(LIMITS.request));
        const r = parse(c.received());
        expect(r.status).toBe(408);
        expect(r.body.error.message).toBe(`The request was not received in full within ${LIMITS.request} s`);
      } finally {
        clearInterval(drip);
      }
    });

    test("connections over the cap are answered 503 overloaded with Retry-After and closed; service resumes when they go", async () => {
      // Each held connection has had one answer and stays open (kept alive) holding its place.
      // The test's own fetch pool may hold a few more: count what was admitted, not exactly the cap.
      const clients = Array.from({ length: LIMITS.connections + 6 }, () => rawClient(inst().port));
      try {
        await Promise.all(clients.map((c) => c.connected));
        for (const c of clients) c.send(`GET /api/health HTTP/1.1\r\nHost: ${host()}\r\n\r\n`);
        await Promise.all(clients.map((c) => c.waitFor("\r\n\r\n", 10_000)));
        await new Promise((r) => setTimeout(r, 200)); // whole answers
        const answers = clients.map((c) => parse(c.received()));
        const served = answers.filter((a) => a.status === 200);
        const refused = clients.filter((c, i) => answers[i].status === 503);
        expect(served.length + refused.length).toBe(clients.length);
        expect(served.length).toBeLessThanOrEqual(LIMITS.connections);
        expect(refused.length).toBeGreaterThanOrEqual(6);
        for (const c of refused) {
          const r = parse(c.received());
          expect(r.headers["retry-after"]).toBe("1");
          expect(r.body).toEqual({ error: { code: "overloaded", message: expect.stringContaining(`limit of ${LIMITS.connections} open connections`), requestId: expect.any(String) } });
          expect(await c.closed).toBeLessThan(5_000);
        }
        // A client library on a new connection sees the same answer while the cap is full.
        const f = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${inst().base}/api/health`, { agent: false }, resolve).on("error", reject));
        expect(f.statusCode).toBe(503);
        expect(f.headers["retry-after"]).toBe("1");
        f.resume();
      } finally {
        for (const c of clients) c.socket.destroy();
      }
      await expect.poll(() => fetch(`${inst().base}/api/health`).then((r) => r.status), { timeout: 5_000 }).toBe(200);
    });

    test("normal requests, decisions and pages, still succeed while slow clients are being cut", async () => {
      const warden = new Warden({ baseUrl: inst().base, token: agentKey });
      const session = await warden.openSession({ goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
      const slow = Array.from({ length: 12 }, () => rawClient(inst().port));
      await Promise.all(slow.map((c) => c.connected));
      slow.forEach((c, i) =>
        c.send(i % 3 === 0 ? `GET /sign-in HTTP/1.1\r\nHost: ${host()}\r\n` : i % 3 === 1 ? authorizeHead(host(), 300, `${mode}-slow-${i}`) + "{" : `POST /api/v1/agents HTTP/1.1\r\nHost: ${host()}\r\nOrigin: ${inst().base}\r\nCookie: ${cookie}\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{`),
      );
      const until = performance.now() + 2 * s(LIMITS.bodyIdle);
      let decisions = 0;
      while (performance.now() < until) {
        const [d, page] = await Promise.all([
          warden.authorize(session.id, { connector: "github", tool: "issues", operation: "read" }),
          fetch(`${inst().base}/sign-in`, { signal: AbortSignal.timeout(10_000) }),
        ]);
        expect(d.decision).toBe("allow");
        expect(page.status).toBe(200);
        await page.text();
        decisions++;
      }
      expect(decisions).toBeGreaterThan(1);
      const closed = await Promise.all(slow.map((c) => c.closed));
      for (const t of closed) expect(t).toBeLessThan(3 * s(LIMITS.bodyIdle));
      expect(slow.map((c) => parse(c.received()).status)).toEqual(Array(12).fill(408));
    });

    test("an open live stream (GET /api/v1/stream) is not cut by the request timeout", async () => {
      const c = rawClient(inst().port);
      try {
        await c.connected;
        c.send(`GET /api/v1/stream HTTP/1.1\r\nHost: ${host()}\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`);
        await c.waitFor("event: ready", 10_000);
        expect(parse(c.received()).status).toBe(200);
        // Past the request timeout twice over, and the headers and body-idle timeouts many times.
        await new Promise((r) => setTimeout(r, 2 * s(LIMITS.request) + 1_000));
        expect(c.socket.destroyed).toBe(false);
        // Still live: a decision made now reaches it.
        const warden = new Warden({ baseUrl: inst().base, token: agentKey });
        const session = await warden.openSession({ goal: "stream", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
        await warden.authorize(session.id, { connector: "github", tool: "issues", operation: "read" });
        await c.waitFor("event: change", 10_000);
      } finally {
        c.socket.destroy();
      }
    });
  });
}

test("when the app process does not answer in time, the front answers 504 upstream_timeout and keeps answering decisions", async () => {
  const inst = instances.front!;
  const warden = new Warden({ baseUrl: inst.base, token: agentKey });
  const session = await warden.openSession({ goal: "wedged app", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
  const app = appProcessOf(inst.proc.pid!);
  process.kill(app, "SIGSTOP"); // a wedged app process: its socket accepts, nothing answers
  try {
    const t0 = performance.now();
    const page = await fetch(`${inst.base}/sign-in`, { headers: { "x-request-id": "wedged-1" } });
    const took = performance.now() - t0;
    expect(page.status).toBe(504);
    expect(await page.json()).toEqual({ error: { code: "upstream_timeout", message: `The app process did not answer within ${LIMITS.app} s`, requestId: "wedged-1" } });
    expect(took).toBeGreaterThan(s(LIMITS.app) / 2);
    expect(took).toBeLessThan(3 * s(LIMITS.app));
    // Decisions are the front's own: answered all the while.
    expect((await warden.authorize(session.id, { connector: "github", tool: "issues", operation: "read" })).decision).toBe("allow");
  } finally {
    process.kill(app, "SIGCONT");
  }
  await expect.poll(() => fetch(`${inst.base}/sign-in`).then((r) => r.status), { timeout: 10_000 }).toBe(200);
});

test("cutting slow clients is quiet: nothing above is logged as a failed request, the cap is reported once", async () => {
  for (const inst of [instances.front!, instances.single!]) {
    const log = inst.stderr();
    expect(log).not.toMatch(/failed:|aborted|ECONNRESET/);
    expect(log.match(/at its limit of \d+ open connections/g)).toHaveLength(1);
  }
});

