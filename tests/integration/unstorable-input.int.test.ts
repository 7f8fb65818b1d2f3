import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as evaluationRoute from "../../app/access/v1/evaluation/route";
import * as agentsRoute from "../../app/api/v1/agents/route";
import * as auditBundleRoute from "../../app/api/v1/audit/bundle/route";
import * as auditExportRoute from "../../app/api/v1/audit/export/route";
import * as auditRoute from "../../app/api/v1/audit/route";
import * as connectorsRoute from "../../app/api/v1/connectors/route";
import * as credentialsRoute from "../../app/api/v1/credentials/route";
import * as escalationsRoute from "../../app/api/v1/escalations/route";
import * as escalationRoute from "../../app/api/v1/escalations/[id]/route";
import * as findingsRoute from "../../app/api/v1/findings/route";
import * as policiesRoute from "../../app/api/v1/policies/route";
import * as reportRoute from "../../app/api/v1/reports/[framework]/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import * as timelineRoute from "../../app/api/v1/sessions/[id]/timeline/route";
import * as tokensRoute from "../../app/api/v1/tokens/route";
import * as trustRoute from "../../app/api/v1/trust-configs/route";
import * as usersRoute from "../../app/api/v1/users/route";
import { proxy } from "../../proxy";
import { serveMachineApi } from "../../lib/api/machine-listener";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { authenticateAgent, type AgentCaller } from "../../lib/services/machine/authenticate";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { openSession } from "../../lib/services/sessions/open";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";
import { personWithToken, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const LONE = "\ud800";

// Postgres cannot store NUL, and would silently alter a lone surrogate: such input is refused
// with a 400 naming the field by one guard (lib/storable.ts) wherever it enters — bodies and
// query strings (parseWith), every API query string (the route wrappers), every page's query
// string (proxy.ts) — and nothing is written.
describe.each(DB_KINDS)("text Postgres cannot store, on %s", (kind) => {
  let h: TestDatabase;
  let admin: string;
  let key: string;
  let sessionId: string;

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    admin = (await personWithToken(h.db, "admin@warden.test", "admin")).token;
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
    const a = await createAgent(h.db, system, { name: "nul-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
    key = (await issueAgentKey(h.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
    const caller = (await authenticateAgent(h.db, `Bearer ${key}`)) as AgentCaller;
    sessionId = (await openSession(h.db, caller, { intent: { goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 } }, {})).id;
  });
  afterAll(async () => h?.close());

  /** Rows in every table a create below could write, audit events included. */
  async function counts() {
    const r = await h.db.execute(sql`select
      (select count(*) from agents)::int as agents, (select count(*) from connectors)::int as connectors,
      (select count(*) from credentials)::int as credentials, (select count(*) from api_tokens)::int as tokens,
      (select count(*) from sessions)::int as sessions, (select count(*) from decisions)::int as decisions,
      (select count(*) from audit_events)::int as audit, (select count(*) from users)::int as users,
      (select count(*) from trust_configs)::int as trust`);
    return (r as unknown as { rows: Record<string, number>[] }).rows[0];
  }

  async function call(handler: RouteHandler, path: string, opts: { token?: string; method?: string; body?: string; params?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? admin}` };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    const res = await handler(new NextRequest(`http://localhost${path}`, { method: opts.method ?? (opts.body === undefined ? "GET" : "POST"), headers, body: opts.body }), { params: Promise.resolve(opts.params ?? {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  function expectRefused(r: { status: number; body: { error?: { code: string; fields?: { path: string; message: string }[] } } }, path: string, what: RegExp = /NUL/) {
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error?.code).toBe("validation_failed");
    expect(r.body.error?.fields?.[0]).toEqual({ path, message: expect.stringMatching(what) });
  }

  it("refuses q=%00 on every list endpoint with a 400 naming q", async () => {
    const lists: [string, RouteHandler, Record<string, string>?][] = [
      ["agents", agentsRoute.GET as RouteHandler],
      ["connectors", connectorsRoute.GET as RouteHandler],
      ["credentials", credentialsRoute.GET as RouteHandler],
      ["sessions", sessionsRoute.GET as RouteHandler],
      ["users", usersRoute.GET as RouteHandler],
      ["escalations", escalationsRoute.GET as RouteHandler],
      ["findings", findingsRoute.GET as RouteHandler],
      ["policies", policiesRoute.GET as RouteHandler],
      ["audit", auditRoute.GET as RouteHandler],
      ["trust-configs", trustRoute.GET as RouteHandler],
      [`sessions/${sessionId}/timeline`, timelineRoute.GET as RouteHandler, { id: sessionId }],
    ];
    for (const [name, handler, params] of lists) {
      // Sanity: the same list answers without the NUL.
      expect((await call(handler, `/api/v1/${name}?q=ok`, { params })).status, name).toBe(200);
      const r = await call(handler, `/api/v1/${name}?q=%00`, { params });
      expectRefused(r, "q");
      expect(r.body.error.message, name).toMatch(/^q: /);
      // Anywhere in the value, and in any other parameter.
      expectRefused(await call(handler, `/api/v1/${name}?page=1&q=a%00b`, { params }), "q");
      expectRefused(await call(handler, `/api/v1/${name}?sort=%00`, { params }), "sort");
    }
  });

  it("refuses a NUL in the query string of routes that read it themselves, and in any parameter name", async () => {
    expectRefused(await call(auditExportRoute.GET as RouteHandler, "/api/v1/audit/export?format=csv&actor=%00"), "actor");
    expectRefused(await call(auditBundleRoute.GET as RouteHandler, "/api/v1/audit/bundle?from=%00"), "from");
    expectRefused(await call(reportRoute.GET as RouteHandler, "/api/v1/reports/owasp-agentic?from=2026-01-01%00", { params: { framework: "owasp-agentic" } }), "from");
    expectRefused(await call(agentsRoute.GET as RouteHandler, "/api/v1/agents?x%00y=1"), "(query)");
    // An agent's long-poll is guarded too.
    const e = await call(escalationRoute.GET as RouteHandler, `/api/v1/escalations/${crypto.randomUUID()}?wait=%00`, { token: key, params: { id: crypto.randomUUID() } });
    expectRefused(e, "wait");
  });

  it("refuses NUL or a lone surrogate in a create's text fields with a 400 naming the field, writing nothing", async () => {
    const before = await counts();
    expectRefused(await call(tokensRoute.POST as RouteHandler, "/api/v1/tokens", { body: JSON.stringify({ name: "ci\u0000token", expiresInDays: 1 }) }), "name");
    expectRefused(await call(tokensRoute.POST as RouteHandler, "/api/v1/tokens", { body: JSON.stringify({ name: `ci${LONE}`, expiresInDays: 1 }) }), "name", /surrogate/);
    const agent = { name: "bad-bot", identityKind: "key", team: "t", purpose: "p", riskTier: "low", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 600 } };
    expectRefused(await call(agentsRoute.POST as RouteHandler, "/api/v1/agents", { body: JSON.stringify({ ...agent, purpose: "reads\u0000issues" }) }), "purpose");
    expectRefused(await call(agentsRoute.POST as RouteHandler, "/api/v1/agents", { body: JSON.stringify({ ...agent, team: `t${LONE}` }) }), "team", /surrogate/);
    expectRefused(await call(agentsRoute.POST as RouteHandler, "/api/v1/agents", { body: JSON.stringify({ ...agent, labels: { ["env\u0000"]: "prod" } }) }), "labels", /key/);
    const connector = { name: "crm", displayName: "CRM", kind: "saas_api", sensitivity: "internal", tools: [{ name: "contacts", operations: [{ name: "read", access: "read" }] }] };
    expectRefused(await call(connectorsRoute.POST as RouteHandler, "/api/v1/connectors", { body: JSON.stringify({ ...connector, displayName: "C\u0000RM" }) }), "displayName");
    expectRefused(await call(connectorsRoute.POST as RouteHandler, "/api/v1/connectors", { body: JSON.stringify({ ...connector, config: { region: "eu\u0000" } }) }), "config.region");
    expectRefused(await call(usersRoute.POST as RouteHandler, "/api/v1/users", { body: JSON.stringify({ email: "x@warden.test", name: "X\u0000", role: "auditor", password: "a long test password" }) }), "name");
    // The machine API: an agent's session intent and a JIT credential's name.
    const intent = { goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 };
    expectRefused(await call(sessionsRoute.POST as RouteHandler, "/api/v1/sessions", { token: key, body: JSON.stringify({ intent: { ...intent, goal: "tri\u0000age" } }) }), "intent.goal");
    expectRefused(await call(sessionsRoute.POST as RouteHandler, "/api/v1/sessions", { token: key, body: JSON.stringify({ intent: { ...intent, resources: ["repo/a", `repo/${LONE}`] } }) }), "intent.resources.1", /surrogate/);
    expectRefused(await call(credentialsRoute.POST as RouteHandler, "/api/v1/credentials", { token: key, body: JSON.stringify({ sessionId, connector: "github", operations: ["issues.read"], name: "n\u0000" }) }), "name");
    expect(await counts()).toEqual(before);
  });

  it("AuthZEN: refuses what Warden would store under the AuthZEN field it came from; ignores what it never stores", async () => {
    const me = { type: "agent", id: "nul-bot" };
    const evaluation = (extra: { properties?: object; context?: object; subject?: object }) =>
      call(evaluationRoute.POST as RouteHandler, "/access/v1/evaluation", {
        token: key,
        body: JSON.stringify({ subject: extra.subject ?? me, action: { name: "read" }, resource: { type: "tool", id: "github:issues", properties: extra.properties }, context: { sessionId, ...extra.context } }),
      });
    const before = await counts();
    expectRefused(await evaluation({ properties: { resource: `repo/${LONE}` } }), "resource.properties.resource", /surrogate/);
    expectRefused(await evaluation({ properties: { destination: "internal:\u0000" } }), "resource.properties.destination");
    expect(await counts()).toEqual(before);
    // Arguments are digested, other properties are never stored: decided as usual.
    const ok = await evaluation({ context: { arguments: { ["k\u0000"]: `v${LONE}` }, note: "\u0000" }, subject: { ...me, properties: { x: "\u0000" } } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.decision).toBe(true);
  });

  it("the machine listener: a lone surrogate in the resource is a 400; arguments may hold anything", async () => {
    const server = http.createServer((req, res) => {
      if (!serveMachineApi(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const post = (action: object) =>
        fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/authorize`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ sessionId, action: { connector: "github", tool: "issues", operation: "read", ...action } }),
        });
      const before = (await counts()).decisions;
      const r = await post({ resource: `a${LONE}b` });
      expect(r.status).toBe(400);
      expect((await r.json()).error.fields[0]).toEqual({ path: "action.resource", message: expect.stringMatching(/surrogate/) });
      expect((await counts()).decisions).toBe(before);
      const allowed = await post({ arguments: { ["a\u0000"]: "\u0000", [`b${LONE}`]: [LONE] } });
      expect(allowed.status).toBe(200);
      expect((await allowed.json()).decision).toBe("allow");
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("a console page given ?q=%00 answers a 400 page naming q, not a 500", async () => {
    const page = (url: string) => proxy(new NextRequest(url, { headers: { cookie: "next-auth.session-token=x" } }));
    const bad = page("http://localhost/agents?q=%00");
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("q: must not contain NUL");
    expect(html).toContain('href="/agents"');
    // Without a session cookie it is the same answer: nothing is looked up either way.
    expect(proxy(new NextRequest("http://localhost/audit?actor=a%00")).status).toBe(400);
    // A clean query passes through (or to sign-in without the cookie).
    expect(page("http://localhost/agents?q=bot").status).toBe(200);
    expect(proxy(new NextRequest("http://localhost/agents?q=bot")).status).toBe(307);
  });
});
