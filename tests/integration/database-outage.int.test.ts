import fs from "node:fs";
import { sql } from "drizzle-orm";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as agentsRoute from "../../app/api/v1/agents/route";
import * as escalationRoute from "../../app/api/v1/escalations/[id]/route";
import * as endRoute from "../../app/api/v1/sessions/[id]/end/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import { answerAuthorize } from "../../lib/api/authorize-endpoint";
import { TestClock } from "../../lib/clock";
import { openDatabase } from "../../lib/db/client";
import { isDatabaseUnavailable } from "../../lib/db/faults";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { Runtime, setRuntime } from "../../lib/runtime";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { authorizeSchema } from "../../lib/services/decisions/schemas";
import { authenticateAgent, type AgentCaller } from "../../lib/services/machine/authenticate";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { openSession } from "../../lib/services/sessions/open";
import { Warden, WardenDenied, WardenUnavailable } from "../../sdk";
import { openTestDatabase } from "./db";
import { startPrivateCluster, type PrivateCluster } from "./private-cluster";
import { personWithToken, serveRoutes, type RouteHandler, type ServedRoute } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const root = path.resolve(__dirname, "../..");
const fsServer = path.join(root, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
const gatewayBin = path.join(root, "gateway/warden-gateway.mjs");

const ROUTES: ServedRoute[] = [
  ["POST", /^\/api\/v1\/sessions$/, sessionsRoute.POST as RouteHandler],
  ["POST", /^\/api\/v1\/sessions\/(?<id>[^/]+)\/end$/, endRoute.POST as RouteHandler],
  ["GET", /^\/api\/v1\/escalations\/(?<id>[^/]+)$/, escalationRoute.GET as RouteHandler],
  ["GET", /^\/api\/v1\/agents$/, agentsRoute.GET as RouteHandler],
];
// AuthZEN (/access/v1/*) is the machine listener's own, as /api/v1/authorize is: serveRoutes
// puts it in front of these routes, as production does.


/** Every console line while `fn` runs, with the level it was written at; nothing reaches the terminal. */
function captureConsole() {
  const lines: { level: string; text: string }[] = [];
  const spies = (["error", "warn", "log", "info"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push({ level, text: args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" ") });
    }),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

/** The answers README "When the database is unavailable" documents, in order: authorize, then AuthZEN. */
function documentedAnswers(): { status: number; headers: Record<string, string>; body: unknown }[] {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## When the database is unavailable\n"));
  return [...section.matchAll(/```\n(HTTP\/1\.1 [\s\S]*?)```/g)].slice(0, 2).map(([, block]) => {
    const [head, body] = block.split("\n\n");
    const [statusLine, ...headerLines] = head.split("\n");
    const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
    return { status: Number(statusLine.split(" ")[1]), headers, body: JSON.parse(body) };
  });
}

async function until<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The contract of README "When the database is unavailable", against a Postgres of the test's
// own that it stops and starts: while it is down every decision endpoint answers 503 with
// Retry-After and a deny (never a 500, never an allow), other endpoints 503, the SDK and the
// gateway see a deny, and the log says once that the database is unreachable (no stack traces)
// and once that it is back, with the count refused; then decisions work again by themselves.
describe("decisions while Postgres is stopped and started again", () => {
  let cluster: PrivateCluster;
  let rt: Runtime;
  let clock: TestClock;
  let warden: { base: string; stop: () => Promise<void> };
  let key: string;
  let admin: string;
  let sessionId: string;
  let dir: string;
  let mcp: Client | undefined;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    const handle = await openDatabase({ kind: "postgres", url: cluster.url, poolSize: 4 });
    clock = new TestClock();
    rt = new Runtime(handle, clock);
    setRuntime(rt);
    await ensureGuardrails(rt.db);
    await createConnector(rt.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
    await createConnector(rt.db, system, connectorCreateSchema.parse({ name: "filesystem", displayName: "Files", kind: "other", sensitivity: "internal", tools: [{ name: "read_text_file", operations: [{ name: "call", access: "read" }] }] }));
    const a = await createAgent(rt.db, system, { name: "outage-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope: { actions: ["github:*", "filesystem:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
    key = (await issueAgentKey(rt.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
    admin = (await personWithToken(rt.db, "admin@warden.test", "admin")).token;
    const caller = (await authenticateAgent(rt.db, `Bearer ${key}`)) as AgentCaller;
    sessionId = (await openSession(rt.db, caller, { intent: { goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 3600 } }, {})).id;
    warden = await serveRoutes(ROUTES);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-outage-"));
    fs.writeFileSync(path.join(dir, "notes.txt"), "the quarterly numbers are fine\n");
  }, 120_000);

  afterAll(async () => {
    await mcp?.close().catch(() => {});
    await warden?.stop();
    setRuntime(undefined);
    await rt?.close().catch(() => {});
    cluster?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const READ = { connector: "github", tool: "issues", operation: "read" };
  const authorize = (body: unknown = { sessionId, action: READ }, requestId?: string) =>
    fetch(`${warden.base}/api/v1/authorize`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(requestId ? { "x-request-id": requestId } : {}) }, body: JSON.stringify(body) });
  const authzen = (pathname: string, body: unknown) => fetch(`${warden.base}${pathname}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const EVALUATION = { subject: { type: "agent", id: "outage-bot" }, action: { name: "read" }, resource: { type: "tool", id: "github:issues" } };
  const sdk = () => new Warden({ baseUrl: warden.base, token: key });

  it("decides normally while the database is up", async () => {
    const r = await authorize();
    expect(r.status).toBe(200);
    expect((await r.json()).decision).toBe("allow");
    expect(await (await authzen("/access/v1/evaluation", { ...EVALUATION, context: { sessionId } })).json()).toMatchObject({ decision: true });
    const batch = await (await authzen("/access/v1/evaluations", { subject: EVALUATION.subject, context: { sessionId }, evaluations: [EVALUATION, EVALUATION] })).json();
    expect(batch.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, true]);
    expect((await sdk().authorize(sessionId, READ)).decision).toBe("allow");
    // The gateway in front of an MCP server, forwarding while Warden decides.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [gatewayBin, "--warden-url", warden.base, "--goal", "read notes", "--action", "filesystem:read_text_file.call", "--max-sensitivity", "internal", "--ttl", "600", "--name", "filesystem", "--escalation-timeout", "0", "--timeout", "5000", "--", process.execPath, fsServer, dir],
      cwd: os.tmpdir(),
      env: { ...process.env, WARDEN_AGENT_KEY: key } as Record<string, string>,
      stderr: "pipe",
    });
    mcp = new Client({ name: "outage-agent", version: "1.0.0" });
    await mcp.connect(transport);
    const read = await mcp.callTool({ name: "read_text_file", arguments: { path: path.join(dir, "notes.txt") } });
    expect(JSON.stringify(read.content)).toContain("quarterly");
  });

  it("answers 503 + Retry-After + a deny on every decision endpoint while it is stopped, logs the outage once and its end once", async () => {
    const log = captureConsole();
    let refused = 0;
    let stopped = false;
    // A transaction in progress when the server goes: its connection, checked out of the pool,
    // hears the termination between two statements. Unheard, that "error" event was an
    // uncaughtException in the app process (vitest fails the run on one).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const inTransaction = rt.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await held;
      await tx.execute(sql`select 1`);
    });
    await new Promise((r) => setTimeout(r, 200));
    try {
      cluster.stop("fast");
      stopped = true;
      await new Promise((r) => setTimeout(r, 200));
      release();
      const lost = await inTransaction.then(() => null, (e) => e);
      expect(isDatabaseUnavailable(lost), String(lost)).toBe(true);
      const expect503 = (r: Response, what: string) => {
        expect(r.status, what).toBe(503);
        expect(r.headers.get("retry-after"), what).toBe("2");
        expect(r.headers.get("cache-control"), what).toBe("no-store");
        refused++;
      };
      // 1) Within the agent-key cache's 2 s, the key is not looked up: the decision's own reads
      //    and the commit find the database gone. 2) Past it, the key lookup fails first.
      for (const phase of ["cached key", "key lookup"]) {
        if (phase === "key lookup") clock.advance(5_000);
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => authorize(undefined, `outage-${phase}-${i}`)));
        for (const [i, r] of answers.entries()) {
          expect503(r, `${phase} ${i}`);
          expect(r.headers.get("x-request-id")).toBe(`outage-${phase}-${i}`);
          const body = await r.json();
          expect(body).toEqual({
            decision: "deny",
            reasons: [{ code: "warden.unavailable", message: expect.stringContaining("nothing was decided or recorded") }],
            decisionId: null,
            error: { code: "unavailable", message: expect.any(String), requestId: `outage-${phase}-${i}` },
          });
        }
      }
      // Exactly what the README documents (the request id aside).
      const [docAuthorize, docAuthzen] = documentedAnswers();
      const exact = await authorize(undefined, "documented");
      expect503(exact, "documented");
      expect(exact.status).toBe(docAuthorize.status);
      for (const [k, v] of Object.entries(docAuthorize.headers)) expect(exact.headers.get(k), k).toBe(v);
      const exactBody = await exact.json();
      expect(exactBody.error.requestId).toBe("documented");
      expect({ ...exactBody, error: { ...exactBody.error, requestId: "…" } }).toEqual(docAuthorize.body);
      // AuthZEN, single and batch: the same 503 with decision false.
      for (const [pathname, body] of [
        ["/access/v1/evaluation", { ...EVALUATION, context: { sessionId } }],
        ["/access/v1/evaluations", { subject: EVALUATION.subject, context: { sessionId }, evaluations: [EVALUATION, EVALUATION] }],
      ] as const) {
        const r = await authzen(pathname, body);
        expect503(r, pathname);
        for (const [k, v] of Object.entries(docAuthzen.headers)) expect(r.headers.get(k), `${pathname} ${k}`).toBe(v);
        expect(await r.json()).toEqual(docAuthzen.body);
      }
      // The rest of the machine API and the management API: 503 with the error envelope.
      const open = await fetch(`${warden.base}/api/v1/sessions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ intent: { goal: "x", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 60 } }) });
      expect503(open, "open session");
      expect((await open.json()).error.code).toBe("unavailable");
      const list = await fetch(`${warden.base}/api/v1/agents`, { headers: { authorization: `Bearer ${admin}` } });
      expect503(list, "list agents");
      expect((await list.json()).error.code).toBe("unavailable");
      // Bad input is still bad input, answered before anything needs the database.
      const bad = await answerAuthorize(`Bearer ${key}`, async () => authorizeSchema.parse({}), { requestId: "bad", ip: null });
      expect([400, 503]).toContain(bad.status);
      if (bad.status === 503) refused++;

      // The SDK: authorize resolves to the deny, guard() throws it as a WardenDenied and never
      // runs the tool, other calls throw WardenUnavailable (a WardenError).
      const d = await sdk().authorize(sessionId, READ);
      refused++;
      expect(d).toMatchObject({ decision: "deny", decisionId: null, retryAfterSeconds: 2, reasons: [{ code: "warden.unavailable" }] });
      let ran = false;
      const denied = await sdk()
        .guard(sessionId, READ, () => {
          ran = true;
        })
        .catch((e) => e);
      refused++;
      expect(ran).toBe(false);
      expect(denied).toBeInstanceOf(WardenDenied);
      expect((denied as WardenDenied).unavailable).toBe(true);
      const openErr = await sdk()
        .openSession({ goal: "x", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 60 })
        .catch((e) => e);
      refused++;
      expect(openErr).toBeInstanceOf(WardenUnavailable);
      expect(openErr).toMatchObject({ status: 503, code: "unavailable", retryAfterSeconds: 2, decision: { decision: "deny" } });

      // The gateway: a deny (-32001, warden.unavailable), and the call is not forwarded.
      const err = (await mcp!.callTool({ name: "read_text_file", arguments: { path: path.join(dir, "notes.txt") } }).then(
        () => null,
        (e) => e as McpError,
      ))!;
      refused++;
      expect(err).not.toBeNull();
      expect(err.code).toBe(-32001);
      expect(err.message).toMatch(/not forwarded/);
      expect(err.data).toMatchObject({ decision: "deny", reasons: [{ code: "warden.unavailable" }] });

      // The log: one line that it is unreachable, no stack trace, no line per request.
      expect(rt.availability.down).toBe(true);
      expect(rt.availability.refusedSoFar).toBe(refused);
      const unreachable = log.lines.filter((l) => /database unreachable/.test(l.text));
      expect(unreachable, JSON.stringify(log.lines, null, 1)).toHaveLength(1);
      expect(unreachable[0].level).toBe("error");
      expect(log.lines.filter((l) => /\n\s+at /.test(l.text)), "stack traces").toEqual([]);
      expect(log.lines.filter((l) => /request .* failed|could not be recorded/.test(l.text)), "per-request lines").toEqual([]);
      // Besides it, only the driver's own notices of connections it lost (one per connection, not per request).
      expect(log.lines.length, JSON.stringify(log.lines, null, 1)).toBeLessThan(12);

      // Started again: the probe finds it within a second or so, and says so with the count.
      cluster.start();
      stopped = false;
      const back = await until(() => log.lines.find((l) => /database reachable again/.test(l.text)), "the log to say the database is back");
      expect(back.text).toMatch(new RegExp(`; ${refused} requests refused meanwhile$`));
      expect(log.lines.filter((l) => /database (unreachable|reachable again)/.test(l.text))).toHaveLength(2);
    } finally {
      log.restore();
      if (stopped) cluster.start(); // a failure above must not leave the next test without a database
    }
  }, 120_000);

  it("decides again by itself once the database is back: authorize, AuthZEN, the SDK and the gateway", async () => {
    const r = await until(async () => {
      const x = await authorize();
      return x.status === 200 ? x : undefined;
    }, "a decision");
    expect((await r.json()).decision).toBe("allow");
    expect(await (await authzen("/access/v1/evaluation", { ...EVALUATION, context: { sessionId } })).json()).toMatchObject({ decision: true });
    const batch = await (await authzen("/access/v1/evaluations", { subject: EVALUATION.subject, context: { sessionId }, evaluations: [EVALUATION, EVALUATION] })).json();
    expect(batch.evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, true]);
    expect((await sdk().authorize(sessionId, READ)).decision).toBe("allow");
    const read = await mcp!.callTool({ name: "read_text_file", arguments: { path: path.join(dir, "notes.txt") } });
    expect(JSON.stringify(read.content)).toContain("quarterly");
    expect(rt.availability.down).toBe(false);
  }, 60_000);

  // The live views' change feed (one LISTEN connection per process) loses its connection with
  // the server. Its first attempt to listen again, a second later, finds Postgres still down;
  // it keeps trying until it is back (before, it gave up there and every open page stayed silent
  // until a new one subscribed).
  it("listens to the change feed again after an outage longer than its first retry", async () => {
    const log = captureConsole();
    const seen: { truncated: boolean; agents: string[] }[] = [];
    const stop = await rt.feed.subscribe((c) => seen.push(c));
    let stopped = false;
    try {
      cluster.stop("fast");
      stopped = true;
      await new Promise((r) => setTimeout(r, 2_500));
      cluster.start();
      stopped = false;
      await until(() => seen.some((c) => c.truncated), "the feed to say anything may have changed");
      const a = await until(
        () => createAgent(rt.db, system, { name: `after-outage-${Date.now()}`, identityKind: "key", team: "t", purpose: "", riskTier: "low", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 600 } }).catch(() => undefined),
        "a write",
      );
      await until(() => seen.some((c) => c.agents.includes(a!.id)), "the feed to carry a change made after the outage");
      expect(log.lines.filter((l) => /change feed connection lost/.test(l.text))).toHaveLength(1);
    } finally {
      stop();
      log.restore();
      if (stopped) cluster.start();
    }
  }, 60_000);
});

// The embedded database has no server to lose; a closed one (the process shutting down, the
// folder gone) is the same outage to a caller.
describe("decisions on a closed embedded database", () => {
  it("answer the same 503 deny, counted once in the log", async () => {
    const h = await openTestDatabase("pglite");
    const log = captureConsole();
    try {
      await ensureGuardrails(h.db);
      await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
      const a = await createAgent(h.db, system, { name: "embedded-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
      const key = (await issueAgentKey(h.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
      const caller = (await authenticateAgent(h.db, `Bearer ${key}`)) as AgentCaller;
      const sessionId = (await openSession(h.db, caller, { intent: { goal: "t", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 } }, {})).id;
      const ask = (i: number) => answerAuthorize(`Bearer ${key}`, async () => authorizeSchema.parse({ sessionId, action: { connector: "github", tool: "issues", operation: "read" } }), { requestId: `e-${i}`, ip: null });
      expect((await ask(0)).body).toMatchObject({ decision: "allow" });
      await h.rt.handle.close(); // the PGlite instance only; the runtime still serves
      h.clock.advance(5_000); // past the agent-key cache
      for (let i = 1; i <= 5; i++) {
        const r = await ask(i);
        expect(r.status).toBe(503);
        expect(r.headers["retry-after"]).toBe("2");
        expect(r.body).toMatchObject({ decision: "deny", decisionId: null, reasons: [{ code: "warden.unavailable" }], error: { code: "unavailable", requestId: `e-${i}` } });
      }
      const lines = log.lines.filter((l) => /database unreachable \(PGlite is closed\)/.test(l.text));
      expect(lines, JSON.stringify(log.lines)).toHaveLength(1);
      expect(log.lines.filter((l) => /\n\s+at /.test(l.text))).toEqual([]);
      expect(h.rt.availability.refusedSoFar).toBe(5);
    } finally {
      log.restore();
      h.rt.availability.stop();
      setRuntime(undefined);
    }
  });
});

// A server cut off by the network refuses nothing: new connections hang. Each is given up after
// the connect timeout (WARDEN_DB_CONNECT_TIMEOUT_MS), so a decision still gets its 503 promptly
// instead of waiting minutes for the OS.
describe("decisions when the network to Postgres goes silent", () => {
  let cluster: PrivateCluster;
  let relay: net.Server;
  let silent = false;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    relay = net.createServer((client) => {
      sockets.add(client);
      client.on("close", () => sockets.delete(client));
      client.on("error", () => {});
      if (silent) return; // accepted, never answered
      const server = net.connect(cluster.port, "127.0.0.1");
      sockets.add(server);
      server.on("close", () => sockets.delete(server));
      server.on("error", () => client.destroy());
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => relay?.close(r));
    cluster?.destroy();
  });

  it("answers 503 within the connect timeout, and decides again when the network is back", async () => {
    const url = `postgres://postgres@127.0.0.1:${(relay.address() as AddressInfo).port}/postgres`;
    const handle = await openDatabase({ kind: "postgres", url, poolSize: 2, connectTimeoutMs: 500 });
    const clock = new TestClock();
    const rt = new Runtime(handle, clock);
    setRuntime(rt);
    const log = captureConsole();
    try {
      await ensureGuardrails(rt.db);
      await createConnector(rt.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
      const a = await createAgent(rt.db, system, { name: "silent-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
      const key = (await issueAgentKey(rt.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
      const caller = (await authenticateAgent(rt.db, `Bearer ${key}`)) as AgentCaller;
      const sessionId = (await openSession(rt.db, caller, { intent: { goal: "t", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 } }, {})).id;
      const ask = () => answerAuthorize(`Bearer ${key}`, async () => authorizeSchema.parse({ sessionId, action: { connector: "github", tool: "issues", operation: "read" } }), { requestId: "s", ip: null });
      expect((await ask()).body).toMatchObject({ decision: "allow" });

      // The network goes silent: open connections are cut, new ones are never answered.
      silent = true;
      for (const s of sockets) s.destroy();
      clock.advance(5_000); // past the agent-key cache: the key must be looked up
      // The first may still find a pooled connection that has just been cut; the next ones wait
      // for a new connection, which the timeout ends.
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const r = await ask();
        const took = Date.now() - started;
        expect(took).toBeLessThan(5_000);
        if (i > 0) expect(took).toBeGreaterThanOrEqual(450);
        expect(r.status, JSON.stringify(log.lines)).toBe(503);
        expect(r.body).toMatchObject({ decision: "deny", reasons: [{ code: "warden.unavailable" }] });
      }
      expect(log.lines.filter((l) => /database unreachable/.test(l.text)), JSON.stringify(log.lines)).toHaveLength(1);
      expect(rt.availability.refusedSoFar).toBe(3);

      silent = false;
      await until(() => !rt.availability.down, "the probe to find the database again");
      clock.advance(5_000);
      const again = await until(async () => {
        const x = await ask();
        return x.status === 200 ? x : undefined;
      }, "a decision");
      expect(again.body).toMatchObject({ decision: "allow" });
      expect(log.lines.filter((l) => /\n\s+at /.test(l.text))).toEqual([]);
    } finally {
      log.restore();
      setRuntime(undefined);
      await rt.close().catch(() => {});
    }
  }, 120_000);
});
