import http from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as wellKnownRoute from "../../app/.well-known/authzen-configuration/route";
import * as evaluationRoute from "../../app/access/v1/evaluation/route";
import * as evaluationsRoute from "../../app/access/v1/evaluations/route";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { authenticateAgent, type AgentCaller } from "../../lib/services/machine/authenticate";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { openSession } from "../../lib/services/sessions/open";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";
import { serveRoutes, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const NAME = "authzen-listener-bot";

// The certification scenario's transport and malformed-request cases (openid/authzen
// certification/authorization-api-1_0-scenario.md at db50373: C-2-4-1…6, C-2-5, C-3-4, C-5),
// sent over a real socket to the node:http machine listener that answers AuthZEN in production,
// and the same table to the Next routes (mounted under /next, as `next dev` serves them): both
// answer through lib/api/authzen-endpoint.ts, so they must agree. The PEP is an agent; bodies
// the agent mapping can evaluate use its resource (tool) and context (sessionId).
const MALFORMED: [id: string, body: unknown, field: string][] = [
  ["C-2-4-1 missing subject", { action: { name: "read" }, resource: { type: "record", id: "record-1" } }, "subject"],
  ["C-2-4-1 missing action", { subject: { type: "user", id: "alice" }, resource: { type: "record", id: "record-1" } }, "action"],
  ["C-2-4-1 missing resource", { subject: { type: "user", id: "alice" }, action: { name: "read" } }, "resource"],
  ["C-2-4-2 subject missing type", { subject: { id: "alice" }, action: { name: "read" }, resource: { type: "record", id: "record-1" } }, "subject.type"],
  ["C-2-4-2 subject missing id", { subject: { type: "user" }, action: { name: "read" }, resource: { type: "record", id: "record-1" } }, "subject.id"],
  ["C-2-4-2 action missing name", { subject: { type: "user", id: "alice" }, action: {}, resource: { type: "record", id: "record-1" } }, "action.name"],
  ["C-2-4-2 resource missing type", { subject: { type: "user", id: "alice" }, action: { name: "read" }, resource: { id: "record-1" } }, "resource.type"],
  ["C-2-4-2 resource missing id", { subject: { type: "user", id: "alice" }, action: { name: "read" }, resource: { type: "record" } }, "resource.id"],
  ["C-2-4-6 subject is a string", { subject: "alice", action: { name: "read" }, resource: { type: "record", id: "record-1" } }, "subject"],
  ["C-2-4-6 action.name is a number", { subject: { type: "user", id: "alice" }, action: { name: 123 }, resource: { type: "record", id: "record-1" } }, "action.name"],
];

type Transport = { name: string; prefix: string };
const TRANSPORTS: Transport[] = [
  { name: "the machine listener", prefix: "" },
  { name: "the Next routes", prefix: "/next" },
];

describe.each(DB_KINDS)("AuthZEN transport on %s", (kind) => {
  let h: TestDatabase;
  let key: string;
  let sessionId: string;
  let served: { base: string; stop: () => Promise<void> };
  const passedOn: string[] = [];

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
    const a = await createAgent(h.db, system, { name: NAME, identityKind: "key", team: "t", purpose: "", riskTier: "low", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
    key = (await issueAgentKey(h.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
    const caller = (await authenticateAgent(h.db, `Bearer ${key}`)) as AgentCaller;
    sessionId = (await openSession(h.db, caller, { intent: { goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 3600 } }, {})).id;
    const record = (async (req: Request) => {
      passedOn.push(`${req.method} ${new URL(req.url).pathname}`);
      return new Response(null, { status: 418 });
    }) as unknown as RouteHandler;
    served = await serveRoutes([
      ["POST", /^\/next\/access\/v1\/evaluation$/, evaluationRoute.POST as RouteHandler],
      ["POST", /^\/next\/access\/v1\/evaluations$/, evaluationsRoute.POST as RouteHandler],
      ["GET", /^\/next\/\.well-known\/authzen-configuration$/, wellKnownRoute.GET as unknown as RouteHandler],
      // Whatever the listener left to Next.
      ["POST", /^\/access\//, record],
      ["GET", /^\/\.well-known\//, record],
    ]);
  });
  afterAll(async () => {
    await served?.stop();
    await h?.close();
  });

  const me = { type: "agent", id: NAME };
  const tool = { type: "tool", id: "github:issues" };
  const valid = () => ({ subject: me, action: { name: "read" }, resource: tool, context: { sessionId } });

  /** Raw POST: the body as given (a string is sent as is), headers as given. */
  async function post(path: string, body: unknown, headers: Record<string, string | null> = {}) {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries({ authorization: `Bearer ${key}`, "content-type": "application/json", ...headers })) if (v !== null) h[k] = v;
    const res = await fetch(`${served.base}${path}`, { method: "POST", headers: h, body: typeof body === "string" ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }

  describe.each(TRANSPORTS)("through $name", ({ prefix }) => {
    const evaluation = `${prefix}/access/v1/evaluation`;
    const evaluations = `${prefix}/access/v1/evaluations`;

    it("answers a valid request 200 with a JSON decision, unknown fields ignored (C-2-2-9, C-2-3, C-5)", async () => {
      for (const contentType of ["application/json", "application/json; charset=utf-8"]) {
        const r = await post(evaluation, { ...valid(), foo: "bar", futureField: { nested: true } }, { "content-type": contentType });
        expect(r.status, r.text).toBe(200);
        expect(r.headers.get("content-type")).toMatch(/^application\/json/);
        expect(r.json()).toEqual({ decision: true, context: { decisionId: expect.any(String) } });
      }
    });

    it("answers the same decision to the same request, each time (C-2-6)", async () => {
      const decisions = [];
      for (let i = 0; i < 3; i++) decisions.push((await post(evaluation, valid())).json().decision);
      expect(decisions).toEqual([true, true, true]);
    });

    it.each(MALFORMED)("answers %s with 400 naming the field, on both endpoints (C-2-4-1, C-2-4-2, C-2-4-6)", async (_id, body, field) => {
      for (const path of [evaluation, evaluations]) {
        const r = await post(path, body, { "x-request-id": "malformed-1" });
        expect(r.status, `${path} ${r.text}`).toBe(400);
        expect(r.headers.get("x-request-id")).toBe("malformed-1");
        expect(r.json().error).toMatchObject({ code: "validation_failed", requestId: "malformed-1" });
        expect(r.json().error.fields[0].path).toBe(field);
      }
    });

    it("answers a wrong or missing content type with 400 (C-2-4-3), malformed JSON and an empty body with 400 (C-2-4-4, C-2-4-5)", async () => {
      for (const path of [evaluation, evaluations]) {
        for (const contentType of ["text/plain", "application/x-www-form-urlencoded", null]) {
          const r = await post(path, valid(), { "content-type": contentType });
          expect(r.status, `${path} ${contentType}`).toBe(400);
          expect(r.json().error.code).toBe("unsupported_media_type");
        }
        for (const body of ["{not json", "", "   "]) {
          const r = await post(path, body, { "x-request-id": "json-1" });
          expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
          expect(r.json().error).toMatchObject({ code: "invalid_json", requestId: "json-1" });
          expect(r.headers.get("x-request-id")).toBe("json-1");
        }
      }
    });

    it("echoes X-Request-ID (C-2-5-1) and makes one up when there is none (C-2-5-2)", async () => {
      const rid = "bfe9eb29-ab87-4ca3-be83-a1d5d8305716";
      expect((await post(evaluation, valid(), { "x-request-id": rid })).headers.get("x-request-id")).toBe(rid);
      expect((await post(evaluations, { ...valid(), evaluations: [{}] }, { "x-request-id": "batch-1" })).headers.get("x-request-id")).toBe("batch-1");
      const none = await post(evaluation, valid());
      expect(none.status).toBe(200);
      expect(none.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("answers missing or wrong credentials with 401 and WWW-Authenticate, the request id echoed", async () => {
      for (const authorization of [null, `Bearer wdn_ak_${"A".repeat(43)}`, "Basic YWxpY2U6cHc="]) {
        const r = await post(evaluation, valid(), { authorization, "x-request-id": "auth-1" });
        expect(r.status).toBe(401);
        expect(r.headers.get("www-authenticate")).toBe('Bearer realm="warden"');
        expect(r.headers.get("x-request-id")).toBe("auth-1");
        expect(r.json().error).toMatchObject({ code: "unauthenticated", requestId: "auth-1" });
      }
    });

    it("answers a batch with one bad item 200, one answer per item, in order (C-3-4-1, C-3-3-1, C-3-3-2)", async () => {
      // As written in the scenario: neither item is a tool call, so both are answered closed.
      const asWritten = await post(evaluations, { subject: { type: "user", id: "alice" }, action: { name: "read" }, options: { evaluations_semantic: "execute_all" }, evaluations: [{ resource: { type: "record", id: "record-1" } }, {}] });
      expect(asWritten.status).toBe(200);
      const items = asWritten.json().evaluations;
      expect(items).toHaveLength(2);
      expect(items[1]).toEqual({ decision: false, context: { error: { status: 400, message: "resource: is required (in the evaluation or as a top-level default)" } } });
      // With an item the agent mapping can decide: that one is decided, the bad one is not.
      const r = await post(evaluations, { subject: me, action: { name: "read" }, context: { sessionId }, options: { evaluations_semantic: "execute_all" }, evaluations: [{ resource: tool }, {}] });
      expect(r.status).toBe(200);
      expect(r.json().evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false]);
      expect(r.json()).not.toHaveProperty("decision");
    });

    it("answers like the single API without evaluations or with none (C-3-4-2, C-3-4-3), and 400 for a bad payload", async () => {
      for (const extra of [{}, { evaluations: [] }]) {
        const r = await post(evaluations, { ...valid(), ...extra });
        expect(r.status).toBe(200);
        expect(r.json()).toEqual({ decision: true, context: { decisionId: expect.any(String) } });
      }
      for (const [body, field] of [
        [{ ...valid(), evaluations: {} }, "evaluations"],
        [{ ...valid(), evaluations: Array.from({ length: 101 }, () => ({})) }, "evaluations"],
        [{ ...valid(), evaluations: [{}], options: { evaluations_semantic: "first_wins" } }, "options.evaluations_semantic"],
        [[valid()], "(body)"],
      ] as const) {
        const r = await post(evaluations, body);
        expect(r.status, JSON.stringify(body).slice(0, 100)).toBe(400);
        expect(r.json().error.fields[0].path).toBe(field);
      }
    });

    it("refuses more than 64 KiB for one evaluation and 1 MiB for a batch with 413", async () => {
      const args = (n: number) => ({ ...valid(), context: { sessionId, arguments: { blob: "x".repeat(n) } } });
      expect((await post(evaluation, args(70 * 1024))).status).toBe(413);
      expect((await post(evaluations, args(70 * 1024))).status).toBe(200);
      if (prefix) return; // serveRoutes reads a whole body before the Next route sees its length
      // A declared length over the batch limit is refused before any of the body is read, so
      // the test need not send a megabyte into a connection that is being closed.
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${served.base}${evaluations}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": String(1024 * 1024 + 1) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on("error", reject);
        req.write("{");
      });
      expect(status).toBe(413);
    });

    it("publishes the metadata with the URL clients use, behind a proxy too (C-6)", async () => {
      vi.stubEnv("WARDEN_PUBLIC_URL", "");
      vi.stubEnv("NEXTAUTH_URL", "");
      try {
        const get = (headers: Record<string, string>) =>
          new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
            // node:http, so that Host can be set as a proxy would.
            http
              .get(`${served.base}${prefix}/.well-known/authzen-configuration`, { headers }, (res) => {
                let body = "";
                res.on("data", (c) => (body += c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
              })
              .on("error", reject);
          });
        const direct = await get({ "x-request-id": "meta-1" });
        expect(direct.status).toBe(200);
        expect(direct.headers["content-type"]).toMatch(/^application\/json/);
        expect(direct.headers["x-request-id"]).toBe("meta-1");
        expect(direct.headers["cache-control"]).toBe("public, max-age=300");
        expect(JSON.parse(direct.body)).toEqual({
          policy_decision_point: served.base,
          access_evaluation_endpoint: `${served.base}/access/v1/evaluation`,
          access_evaluations_endpoint: `${served.base}/access/v1/evaluations`,
        });
        const proxied = await get({ host: "10.1.2.3:3000", "x-forwarded-proto": "https", "x-forwarded-host": "pdp.example.com" });
        expect(JSON.parse(proxied.body).access_evaluation_endpoint).toBe("https://pdp.example.com/access/v1/evaluation");
        expect(JSON.parse((await get({ host: "0.0.0.0:3000" })).body).policy_decision_point).toBe("http://localhost:3000");
        vi.stubEnv("WARDEN_PUBLIC_URL", "https://warden.example.com");
        expect(JSON.parse((await get({ "x-forwarded-host": "pdp.example.com" })).body).policy_decision_point).toBe("https://warden.example.com");
      } finally {
        vi.unstubAllEnvs();
      }
    });
  });

  it("never passes agent AuthZEN on to Next: the listener answers it all", () => {
    expect(passedOn).toEqual([]);
  });
});
