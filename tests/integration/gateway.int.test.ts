import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as escalationRoute from "../../app/api/v1/escalations/[id]/route";
import * as endRoute from "../../app/api/v1/sessions/[id]/end/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import type { DatabaseHandle } from "../../lib/db/client";
import { decisions, sessions } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { openTestDatabase } from "./db";
import { personWithToken, routeCaller, serveRoutes, type RouteHandler, type ServedRoute } from "./route-helpers";
import * as approveRoute from "../../app/api/v1/escalations/[id]/approve/route";
import { escalations } from "../../lib/db/schema";

const system = { actor: { kind: "system" as const, label: "test" } };
const root = path.resolve(__dirname, "../..");
const fsServer = path.join(root, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
const gatewayBin = path.join(root, "gateway/warden-gateway.mjs");

const routes: ServedRoute[] = [
  ["POST", /^\/api\/v1\/sessions$/, sessionsRoute.POST as RouteHandler],
  ["POST", /^\/api\/v1\/sessions\/(?<id>[^/]+)\/end$/, endRoute.POST as RouteHandler],
  ["GET", /^\/api\/v1\/escalations\/(?<id>[^/]+)$/, escalationRoute.GET as RouteHandler],
];


describe("warden-gateway in front of @modelcontextprotocol/server-filesystem", () => {
  let h: DatabaseHandle;
  let warden: { base: string; stop: () => Promise<void> };
  let key: string;
  let agentId: string;
  let dir: string;
  let mappingFile: string;
  let intentFile: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    h = await openTestDatabase("postgres");
    await ensureGuardrails(h.db);
    await createConnector(
      h.db,
      system,
      connectorCreateSchema.parse({
        name: "filesystem",
        displayName: "Files",
        kind: "other",
        sensitivity: "internal",
        tools: [
          { name: "read_text_file", operations: [{ name: "read", access: "read" }] },
          { name: "list_directory", operations: [{ name: "read", access: "read" }] },
          { name: "write_file", operations: [{ name: "write", access: "write" }] },
        ],
      }),
    );
    const a = await createAgent(h.db, system, { name: "gateway-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope: { actions: ["filesystem:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
    agentId = a!.id;
    key = (await issueAgentKey(h.db, system, agentId, { name: "k", expiresInDays: 1 })).secret;
    warden = await serveRoutes(routes);

    dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-gateway-"));
    fs.writeFileSync(path.join(dir, "notes.txt"), "the quarterly numbers are fine\n");
    mappingFile = path.join(dir, "..", `${path.basename(dir)}-mapping.json`);
    fs.writeFileSync(
      mappingFile,
      JSON.stringify({
        servers: {
          filesystem: {
            defaults: { resourceArg: "path" },
            tools: { read_text_file: { operation: "read" }, list_directory: { operation: "read" }, write_file: { operation: "write", sensitivity: "internal" } },
          },
        },
      }),
    );
    intentFile = path.join(dir, "..", `${path.basename(dir)}-intent.json`);
    fs.writeFileSync(intentFile, JSON.stringify({ goal: "Summarise the notes", actions: ["filesystem:read_text_file.read", "filesystem:list_*.read"], maxSensitivity: "internal", ttlSeconds: 600 }));
  });

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await warden?.stop();
    await h?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(mappingFile, { force: true });
    fs.rmSync(intentFile, { force: true });
  });

  const gatewayArgs = (base: string, extra: string[] = []) => [
    gatewayBin,
    "--warden-url",
    base,
    "--intent",
    intentFile,
    "--mapping",
    mappingFile,
    "--name",
    "filesystem",
    "--escalation-timeout",
    "0",
    "--timeout",
    "3000",
    ...extra,
    "--",
    process.execPath,
    fsServer,
    dir,
  ];

  async function stdioGateway(base: string) {
    const transport = new StdioClientTransport({ command: process.execPath, args: gatewayArgs(base), cwd: os.tmpdir(), env: { ...process.env, WARDEN_AGENT_KEY: key } as Record<string, string>, stderr: "pipe" });
    let log = "";
    transport.stderr?.on("data", (d) => (log += d));
    const client = new Client({ name: "test-agent", version: "1.0.0" });
    await client.connect(transport);
    clients.push(client);
    return { client, log: () => log };
  }

  const latestSession = async () => (await h.db.select().from(sessions).where(eq(sessions.agentId, agentId)).orderBy(desc(sessions.startedAt)).limit(1))[0];
  async function until<T>(fn: () => Promise<T | undefined | null | false>, what: string, ms = 15_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const mcpError = (p: Promise<unknown>) => p.then(() => { throw new Error("expected an MCP error"); }, (e) => e as McpError);

  it("forwards reads inside the intent, refuses writes outside it (-32001, recorded), lists only intended tools, ends the session on disconnect", async () => {
    const { client, log } = await stdioGateway(warden.base);

    // (d) tools/list: only the tools the intent could use.
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(["list_directory", "read_text_file"]);

    // (a) a read inside the intent goes through and returns the file.
    const file = path.join(dir, "notes.txt");
    const read = await client.callTool({ name: "read_text_file", arguments: { path: file } });
    expect(JSON.stringify(read.content)).toContain("the quarterly numbers are fine");

    const session = await until(latestSession, "the session");
    expect(session.status).toBe("active");
    const [allow] = await h.db.select().from(decisions).where(eq(decisions.sessionId, session.id));
    expect(allow).toMatchObject({ outcome: "allow", connector: "filesystem", tool: "read_text_file", operation: "read", resource: file });

    // (b) a write outside the intent: refused, never run, and on the session's timeline.
    const target = path.join(dir, "evil.txt");
    const err = await mcpError(client.callTool({ name: "write_file", arguments: { path: target, content: "overwritten" } }));
    expect(err).toBeInstanceOf(McpError);
    expect(err.code).toBe(-32001);
    const data = err.data as { decision: string; reasons: { code: string; message: string }[]; decisionId: string };
    expect(["deny", "escalate"]).toContain(data.decision);
    expect(data.reasons.map((r) => r.code)).toContain("intent.operation_not_declared");
    expect(data.reasons[0].message).toEqual(expect.any(String));
    expect(fs.existsSync(target)).toBe(false);
    const timeline = await h.db.select().from(decisions).where(eq(decisions.sessionId, session.id)).orderBy(decisions.createdAt);
    expect(timeline.map((d) => `${d.outcome} ${d.tool}.${d.operation}`)).toEqual(["allow read_text_file.read", `${data.decision} write_file.write`]);
    expect(timeline[1].id).toBe(data.decisionId);
    expect(timeline[1].resource).toBe(target);

    // An unknown tool is not forwarded and not decided.
    expect((await mcpError(client.callTool({ name: "rm_rf", arguments: {} }))).code).toBe(-32602);

    // (e) disconnecting ends the session.
    await client.close();
    const ended = await until(async () => {
      const s = await latestSession();
      return s?.status === "ended" && s;
    }, `the session to end (gateway log:\n${log()})`);
    expect(ended.endReason).toBe("client disconnected");
  });

  it("holds an escalated call until a person approves it, then forwards it", async () => {
    const approver = await personWithToken(h.db, "gateway-approver@warden.test", "approver");
    const transport = new StdioClientTransport({ command: process.execPath, args: gatewayArgs(warden.base, ["--escalation-timeout", "30"]), cwd: os.tmpdir(), env: { ...process.env, WARDEN_AGENT_KEY: key } as Record<string, string>, stderr: "pipe" });
    const client = new Client({ name: "test-agent", version: "1.0.0" });
    await client.connect(transport);
    clients.push(client);
    const target = path.join(dir, "approved.txt");
    const held = client.callTool({ name: "write_file", arguments: { path: target, content: "approved content" } });
    held.catch(() => {}); // awaited below
    const session = await until(async () => {
      const s = await latestSession();
      return s?.status === "active" && s;
    }, "the session");
    const esc = await until(async () => (await h.db.select().from(escalations).where(eq(escalations.sessionId, session.id)))[0], "the escalation");
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.existsSync(target)).toBe(false); // held, not forwarded
    const call = routeCaller(() => {});
    const approved = await call(approveRoute.POST as RouteHandler, { token: approver.token, path: `/api/v1/escalations/${esc.id}/approve`, params: { id: esc.id }, body: { reason: "fine for this task" } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await held;
    expect(fs.readFileSync(target, "utf8")).toBe("approved content");
    const outcomes = (await h.db.select().from(decisions).where(eq(decisions.sessionId, session.id)).orderBy(decisions.createdAt)).map((d) => d.outcome);
    expect(outcomes).toEqual(["escalate", "allow"]);
    await client.close();
  });

  // Unreachable is a deny (README "When the database is unavailable"): -32001 like any deny,
  // with reason warden.unavailable in data; it was -32603 before Warden's 503 contract.
  it("refuses every call as a deny (-32001, warden.unavailable) when Warden is stopped, and never forwards it", async () => {
    const own = await serveRoutes(routes);
    const { client } = await stdioGateway(own.base);
    const file = path.join(dir, "notes.txt");
    expect(JSON.stringify((await client.callTool({ name: "read_text_file", arguments: { path: file } })).content)).toContain("quarterly");
    await own.stop();
    const err = await mcpError(client.callTool({ name: "read_text_file", arguments: { path: file } }));
    expect(err.code).toBe(-32001);
    expect(err.message).toMatch(/Warden .*unreachable.*not forwarded/);
    expect(err.data).toMatchObject({ decision: "deny", decisionId: null, reasons: [{ code: "warden.unavailable" }] });
    await client.close();
  });

  it("refuses with -32603 when Warden answers badly: 5xx, not JSON, fields missing", async () => {
    let mode = "html";
    const bad = http.createServer((req, res) => {
      if (req.url === "/api/v1/sessions") return void res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: crypto.randomUUID(), status: "active", intentVersion: 1, expiresAt: new Date(Date.now() + 600_000).toISOString(), reasons: [] }));
      if (req.url === "/api/v1/authorize") {
        if (mode === "html") return void res.writeHead(200, { "content-type": "text/html" }).end("<html>ok</html>");
        if (mode === "500") return void res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "internal", message: "boom" } }));
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ decision: "allow" }));
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => bad.listen(0, "127.0.0.1", r));
    try {
      const { client } = await stdioGateway(`http://127.0.0.1:${(bad.address() as AddressInfo).port}`);
      for (const m of ["html", "500", "missing"]) {
        mode = m;
        const err = await mcpError(client.callTool({ name: "read_text_file", arguments: { path: path.join(dir, "notes.txt") } }));
        expect(err.code, m).toBe(-32603);
      }
      await client.close();
    } finally {
      await new Promise<void>((r) => {
        bad.close(() => r());
        bad.closeAllConnections();
      });
    }
  });

  it("serves Streamable HTTP downstream: one Warden session per client, ended when the client terminates", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, gatewayArgs(warden.base, ["--listen", "0"]), { cwd: os.tmpdir(), env: { ...process.env, WARDEN_AGENT_KEY: key }, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr.on("data", (d) => (log += d));
    try {
      const url = await until(async () => log.match(/at (http:\/\/\S+\/mcp)/)?.[1], "the gateway to listen");
      const transport = new StreamableHTTPClientTransport(new URL(url));
      const client = new Client({ name: "http-agent", version: "1.0.0" });
      await client.connect(transport);
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(["list_directory", "read_text_file"]);
      const listing = await client.callTool({ name: "list_directory", arguments: { path: dir } });
      expect(JSON.stringify(listing.content)).toContain("notes.txt");
      const session = await until(async () => {
        const s = await latestSession();
        return s?.status === "active" && s;
      }, "an active session");
      await transport.terminateSession();
      await client.close();
      await until(async () => (await h.db.select().from(sessions).where(eq(sessions.id, session.id)))[0].status === "ended", `the HTTP session to end (log:\n${log})`);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
