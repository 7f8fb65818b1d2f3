import { and, eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as authorizeRoute from "../../app/api/v1/authorize/route";
import * as tracesRoute from "../../app/api/v1/otel/v1/traces/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import * as spansRoute from "../../app/api/v1/sessions/[id]/spans/route";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, findings, traceSpans } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { reconcileTraceSpans } from "../../lib/services/telemetry/settle";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const SECRET = "sk-test-0tel5ecretVALUE42";
const leaks: string[] = [SECRET];
const call = routeCaller((text) => {
  for (const l of leaks) expect(text).not.toContain(l);
});
const H = (h: unknown) => h as RouteHandler;
const PATH = "/api/v1/otel/v1/traces";

const hex = (n: number) => [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const kv = (o: Record<string, string>) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
const span = (traceId: string, name: string, startMs: number, attrs: Record<string, string>, parentSpanId?: string) => ({
  traceId, spanId: hex(8), parentSpanId, name, kind: 3, startTimeUnixNano: ns(startMs), endTimeUnixNano: ns(startMs + 200), attributes: kv(attrs), status: { code: 1 },
});
const otlp = (spans: object[]) => ({ resourceSpans: [{ resource: { attributes: kv({ "service.name": "release-bot" }) }, scopeSpans: [{ scope: { name: "test" }, spans }] }] });

async function raw(token: string | undefined, body: string, type = "application/json", extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { "content-type": type, ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await H(tracesRoute.POST)(new NextRequest(`http://localhost${PATH}`, { method: "POST", headers, body }), { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}

describe.each(DB_KINDS)("OTLP trace ingest on %s", (kind) => {
  let h: DatabaseHandle;
  let key: string;
  let otherKey: string;
  let agentId: string;
  let sessionId: string;
  let otherSessionId: string;
  let decisionId: string;
  let payload: object;
  const post = (body: object, token = key) => call(H(tracesRoute.POST), { token, path: PATH, body });
  const intent = { goal: "triage issues", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    const envelope = { actions: ["github:*"], maxSensitivity: "restricted" as const, destinations: ["internal:*"], maxTtlSeconds: 3600 };
    const a = await createAgent(h.db, system, { name: "release-bot", identityKind: "key", team: "devex", purpose: "", riskTier: "low", envelope });
    const b = await createAgent(h.db, system, { name: "other-bot", identityKind: "key", team: "devex", purpose: "", riskTier: "low", envelope });
    agentId = a!.id;
    key = (await issueAgentKey(h.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
    otherKey = (await issueAgentKey(h.db, system, b!.id, { name: "k", expiresInDays: 1 })).secret;
    leaks.push(key, otherKey);
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
    sessionId = (await call(H(sessionsRoute.POST), { token: key, path: "/api/v1/sessions", body: { intent } })).body.id;
    otherSessionId = (await call(H(sessionsRoute.POST), { token: otherKey, path: "/api/v1/sessions", body: { intent } })).body.id;
    leaks.push(otherSessionId);
    const d = await call(H(authorizeRoute.POST), { token: key, path: "/api/v1/authorize", body: { sessionId, action: { connector: "github", tool: "issues", operation: "read", arguments: { q: "label:bug" } } } });
    expect(d.body.decision).toBe("allow");
    decisionId = d.body.decisionId;
  });
  afterAll(async () => h?.close());

  it("refuses without credentials, protobuf, compressed, oversize and malformed bodies", async () => {
    expect((await raw(undefined, "{}")).status).toBe(401);
    const pb = await raw(key, "\x0a\x00", "application/x-protobuf");
    expect(pb.status).toBe(415);
    expect(pb.body.error.message).toMatch(/http\/json/);
    expect((await raw(key, "{}", "application/json", { "content-encoding": "gzip" })).status).toBe(415);
    expect((await raw(key, "x".repeat(1024 * 1024 + 10))).status).toBe(413);
    expect((await raw(key, "{not json")).status).toBe(400);
    expect((await raw(key, JSON.stringify({ resourceSpans: 5 }))).status).toBe(400);
    expect((await raw(key, JSON.stringify({ resourceSpans: [{ scopeSpans: "x" }] }))).status).toBe(400);
    expect(await post({})).toEqual({ status: 200, body: {} });
  });

  it("joins a checked tool call, flags a bypass, redacts arguments and never joins another agent's session", async () => {
    const now = Date.now();
    const trace = hex(16);
    const turn = span(trace, "invoke_agent triage", now - 1000, { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": sessionId });
    payload = otlp([
      turn,
      // (a) the call Warden decided: inherits the session from its invoke_agent parent
      span(trace, "execute_tool issues", now, { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "issues", "gen_ai.tool.call.arguments": JSON.stringify({ q: "label:bug" }) }, turn.spanId),
      // (b) an MCP call that never asked Warden, two minutes ago, with a secret in its arguments
      span(trace, "tools/call delete_repo", now - 120_000, { "mcp.method.name": "tools/call", "gen_ai.tool.name": "delete_repo", "mcp.server.name": "github", "gen_ai.tool.call.arguments": JSON.stringify({ repo: "acme/api", token: SECRET }), "mcp.request.argument.auth": SECRET, "http.request.header.authorization": `Bearer ${SECRET}` }, turn.spanId),
      // (e) unchecked but still within the grace period: flagged later by the sweeper pass
      span(trace, "execute_tool send_email", now, { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "send_email", "gen_ai.conversation.id": sessionId }),
      // (d) naming another agent's session
      span(hex(16), "execute_tool issues", now - 120_000, { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "issues", "gen_ai.conversation.id": otherSessionId }),
      // rejected: not a span id
      { ...span(trace, "execute_tool x", now, {}), spanId: "zz" },
    ]);
    const r = await post(payload);
    expect(r.status).toBe(200);
    expect(r.body.partialSuccess.rejectedSpans).toBe(1);

    const rows = await h.db.select().from(traceSpans).where(eq(traceSpans.agentId, agentId));
    expect(rows).toHaveLength(5);
    const by = (name: string, sid: string | null = sessionId) => rows.find((s) => s.name === name && s.sessionId === sid)!;
    expect(by("invoke_agent triage")).toMatchObject({ kind: "agent_turn", checked: false });
    expect(by("execute_tool issues")).toMatchObject({ kind: "tool_call", tool: "issues", checked: true, decisionId });
    expect(by("tools/call delete_repo")).toMatchObject({ kind: "tool_call", tool: "delete_repo", connector: "github", checked: false, decisionId: null });
    expect(by("tools/call delete_repo").flaggedAt).not.toBeNull();
    expect(by("execute_tool send_email")).toMatchObject({ checked: false, flaggedAt: null });
    // (d): kept without a session, not joined, no finding on the other agent's session
    expect(by("execute_tool issues", null)).toMatchObject({ checked: false, decisionId: null, flaggedAt: null });
    expect(await h.db.select().from(findings).where(eq(findings.sessionId, otherSessionId))).toHaveLength(0);
    expect(await h.db.select().from(traceSpans).where(eq(traceSpans.sessionId, otherSessionId))).toHaveLength(0);

    const [f] = await h.db.select().from(findings).where(eq(findings.kind, "unchecked_tool_call"));
    expect(f).toMatchObject({ severity: "high", title: "Tool call bypassed Warden: delete_repo", sessionId, agentId, occurrences: 1 });
    expect(f.frameworkRefs).toContain("OWASP-ASI02");
    expect(f.detail).toMatchObject({ tool: "delete_repo", traceId: trace });

    // (c) the secret is nowhere in the database
    const dump = await h.db.execute(sql`select (select coalesce(string_agg(t::text, ' '), '') from trace_spans t) || (select coalesce(string_agg(f::text, ' '), '') from findings f) || (select coalesce(string_agg(a::text, ' '), '') from audit_events a) as all`);
    const text = JSON.stringify(dump);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("acme/api");
    expect(text).toContain("delete_repo");

    const audits = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "telemetry.ingested"), eq(auditEvents.agentId, agentId)));
    expect(audits).toHaveLength(1);
    expect(audits[0].detail).toMatchObject({ stored: 5, rejected: 1, toolCalls: 4, checked: 1, flagged: 1, unattributed: 1 });
  });

  it("is idempotent when the same spans are sent again", async () => {
    const before = await h.db.select().from(traceSpans);
    const r = await post(payload);
    expect(r.body.partialSuccess.rejectedSpans).toBe(1);
    expect(await h.db.select().from(traceSpans)).toHaveLength(before.length);
    const [f] = await h.db.select().from(findings).where(eq(findings.kind, "unchecked_tool_call"));
    expect(f.occurrences).toBe(1);
  });

  it("the sweeper pass flags a call still unchecked after the grace period, and repeats bump the finding", async () => {
    expect(await reconcileTraceSpans(h.db)).toEqual({ checked: 0, flagged: 0 });
    const later = new Date(Date.now() + 120_000);
    expect(await reconcileTraceSpans(h.db, later)).toEqual({ checked: 0, flagged: 1 });
    expect(await reconcileTraceSpans(h.db, later)).toEqual({ checked: 0, flagged: 0 });
    const [f] = await h.db.select().from(findings).where(eq(findings.dedupeKey, `unchecked_tool_call:${sessionId}:send_email`));
    expect(f).toMatchObject({ title: "Tool call bypassed Warden: send_email", occurrences: 1 });
    // The same bypass again in the same session: one finding, two occurrences.
    await post(otlp([span(hex(16), "tools/call delete_repo", Date.now() - 90_000, { "mcp.method.name": "tools/call", "gen_ai.tool.name": "delete_repo", "gen_ai.conversation.id": sessionId })]));
    const again = await h.db.select().from(findings).where(eq(findings.title, "Tool call bypassed Warden: delete_repo"));
    expect(again).toHaveLength(1);
    expect(again[0].occurrences).toBe(2);
  });

  it("lists the session's spans for people, checked ones with their decision", async () => {
    const analyst = await personWithToken(h.db, `analyst-${kind}@example.com`, "analyst");
    leaks.push(analyst.token);
    const get = (id: string, token?: string) => call(H(spansRoute.GET), { token, path: `/api/v1/sessions/${id}/spans`, params: { id } });
    expect((await get(sessionId)).status).toBe(401);
    const r = await get(sessionId, analyst.token);
    expect(r.status).toBe(200);
    const items = r.body.items as { name: string; checked: boolean; decisionId: string | null; decisionOutcome: string | null; flagged: boolean }[];
    expect(items.find((i) => i.name === "execute_tool issues")).toMatchObject({ checked: true, decisionId, decisionOutcome: "allow" });
    expect(items.filter((i) => i.name === "tools/call delete_repo").every((i) => !i.checked && i.flagged)).toBe(true);
    expect((await get(otherSessionId, analyst.token)).body.items).toEqual([]);
    expect(JSON.stringify(r.body)).not.toContain(SECRET);
  });

  it("a tool that completed although Warden refused it is flagged; one that failed is not", async () => {
    const ask = async () => (await call(H(authorizeRoute.POST), { token: key, path: "/api/v1/authorize", body: { sessionId, action: { connector: "github", tool: "issues", operation: "write" } } })).body;
    const ran = await ask();
    const stopped = await ask();
    expect(ran.decision).toBe("escalate");
    const now = Date.now();
    const trace = hex(16);
    const claim = (id: string, code: number) => ({ ...span(trace, "execute_tool issues", now, { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "issues", "gen_ai.conversation.id": sessionId, "warden.decision.id": id }), status: { code } });
    expect((await post(otlp([claim(ran.decisionId, 1), claim(stopped.decisionId, 2)]))).status).toBe(200);
    const joined = await h.db.select().from(traceSpans).where(eq(traceSpans.traceId, trace));
    expect(joined.map((r) => r.decisionId).sort()).toEqual([ran.decisionId, stopped.decisionId].sort());
    const flagged = await h.db.select().from(findings).where(eq(findings.title, "Tool ran although Warden did not allow it: issues"));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({ severity: "critical", decisionId: ran.decisionId, sessionId });
  });
});
