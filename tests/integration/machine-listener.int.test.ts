import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveMachineApi } from "../../lib/api/machine-listener";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, decisions } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { openSession } from "../../lib/services/sessions/open";
import { authenticateAgent, type AgentCaller } from "../../lib/services/machine/authenticate";
import { DB_KINDS, openTestDatabase } from "./db";

const system = { actor: { kind: "system" as const, label: "test" } };

// The node:http listener that answers POST /api/v1/authorize in production (server.ts), spoken
// to over a real socket: same answers and error envelope as the Next route.
describe.each(DB_KINDS)("the machine listener on %s", (kind) => {
  let h: DatabaseHandle;
  let server: http.Server;
  let base: string;
  let key: string;
  let sessionId: string;
  let passedOn: string[] = [];

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] }] }));
    const a = await createAgent(h.db, system, { name: "listener-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
    key = (await issueAgentKey(h.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
    const caller = (await authenticateAgent(h.db, `Bearer ${key}`)) as AgentCaller;
    const s = await openSession(h.db, caller, { intent: { goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 } }, {});
    sessionId = s.id;
    server = http.createServer((req, res) => {
      if (serveMachineApi(req, res)) return;
      passedOn.push(`${req.method} ${req.url}`);
      res.writeHead(418).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await h?.close();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/authorize`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body });
  const action = (operation: string) => JSON.stringify({ sessionId, action: { connector: "github", tool: "issues", operation } });

  it("answers allow and escalate, each committed with its audit event before the answer", async () => {
    const r = await post(action("read"), { "x-request-id": "req-123" });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-request-id")).toBe("req-123");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("cache-control")).toBe("no-store");
    // The server's own share of the call, in milliseconds (W3C Server Timing).
    const timing = /^decision;dur=(\d+\.\d{2})$/.exec(r.headers.get("server-timing") ?? "");
    expect(timing).not.toBeNull();
    expect(Number(timing![1])).toBeGreaterThan(0);
    const allow = await r.json();
    expect(allow).toMatchObject({ decision: "allow", reasons: [] });
    const [row] = await h.db.select().from(decisions).where(eq(decisions.id, allow.decisionId));
    expect(row.outcome).toBe("allow");
    const esc = await (await post(action("write"))).json();
    expect(esc.decision).toBe("escalate");
    expect(esc.reasons.map((x: { code: string }) => x.code)).toContain("intent.operation_not_declared");
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, esc.decisionId))).toHaveLength(1);
  });

  it("refuses bad credentials and bad bodies with the error envelope", async () => {
    const noAuth = await fetch(`${base}/api/v1/authorize`, { method: "POST", headers: { "content-type": "application/json" }, body: action("read") });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get("www-authenticate")).toContain("Bearer");
    expect((await noAuth.json()).error).toMatchObject({ code: "unauthenticated" });
    expect((await post(action("read"), { authorization: `Bearer wdn_ak_${"A".repeat(43)}` })).status).toBe(401);
    const wrongType = await post(action("read"), { "content-type": "text/plain" });
    expect(wrongType.status).toBe(415);
    const badJson = await post("{not json");
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.code).toBe("invalid_json");
    const invalid = await post(JSON.stringify({ sessionId: "nope", action: { connector: "GitHub!" } }));
    expect(invalid.status).toBe(400);
    const body = await invalid.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fields.map((f: { path: string }) => f.path)).toContain("sessionId");
    const unknown = await post(JSON.stringify({ sessionId: crypto.randomUUID(), action: { connector: "github", tool: "issues", operation: "read" } }));
    expect(unknown.status).toBe(404);
  });

  it("records text shaped like SQL or quoting exactly, and refuses NUL with a 400", async () => {
    const nasty = "$w0123456789ab$'; COMMIT; DROP TABLE decisions; -- \" \\ $$ $1 \u2028 ünï";
    const r = await post(JSON.stringify({ sessionId, action: { connector: "github", tool: "issues", operation: "read", resource: nasty, arguments: { [`k\u0000${nasty}`]: nasty } } }));
    expect(r.status).toBe(200);
    const d = await r.json();
    const [row] = await h.db.select().from(decisions).where(eq(decisions.id, d.decisionId));
    expect(row.resource).toBe(nasty);
    expect(Object.keys(row.argsPreview as object)[0]).toBe(`k\ufffd${nasty}`.slice(0, 100));
    const [ev] = await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, d.decisionId));
    expect((ev.detail as { resource: string }).resource).toBe(nasty);
    const nul = await post(JSON.stringify({ sessionId, action: { connector: "github", tool: "issues", operation: "read", resource: "a\u0000b" } }));
    expect(nul.status).toBe(400);
    expect((await nul.json()).error.fields[0].path).toBe("action.resource");
  });

  it("refuses an oversize body, declared or streamed, with 413", async () => {
    const big = JSON.stringify({ sessionId, action: { connector: "github", tool: "issues", operation: "read", arguments: { blob: "x".repeat(70 * 1024) } } });
    expect((await post(big)).status).toBe(413);
    // Without a Content-Length the limit applies while reading.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/api/v1/authorize`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 80; i++) req.write("x".repeat(1024));
      req.end();
    });
    expect(streamed).toBe(413);
    // The listener still serves the next call.
    expect((await post(action("read"))).status).toBe(200);
  });

  it("leaves every other path and method to Next", async () => {
    passedOn = [];
    await fetch(`${base}/api/v1/authorize`, { headers: { authorization: `Bearer ${key}` } });
    await fetch(`${base}/api/v1/sessions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: "{}" });
    await fetch(`${base}/api/v1/authorize/extra`, { method: "POST", body: "{}" });
    expect(passedOn).toEqual(["GET /api/v1/authorize", "POST /api/v1/sessions", "POST /api/v1/authorize/extra"]);
  });
});
