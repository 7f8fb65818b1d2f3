import { and, eq, like, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as wellKnownRoute from "../../app/.well-known/authzen-configuration/route";
import * as evaluationRoute from "../../app/access/v1/evaluation/route";
import * as evaluationsRoute from "../../app/access/v1/evaluations/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, decisions, escalations } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { parseEvaluation, parseEvaluations } from "../../lib/services/authzen/map";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { DB_KINDS, openTestDatabase } from "./db";
import { routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const leaks: string[] = [];
const call = routeCaller((text) => {
  for (const l of leaks) expect(text).not.toContain(l);
});
const H = (h: unknown) => h as RouteHandler;

type Decision = { decision: boolean; context?: Record<string, any> };

/** A small deterministic PRNG (mulberry32) so a failing random body can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(DB_KINDS)("OpenID AuthZEN API on %s", (kind) => {
  let h: DatabaseHandle;
  let key: string;
  let otherKey: string;
  let sessionId: string; // intent: github:issues.read (+ email to external for the deny case)
  const identity = "spiffe://acme.internal/ns/devex/sa/authzen-bot";
  const me = { type: "agent", id: identity };

  const evaluate = (body: unknown, token = key) => call(H(evaluationRoute.POST), { token, path: "/access/v1/evaluation", body });
  const evaluateMany = (body: unknown, token = key) => call(H(evaluationsRoute.POST), { token, path: "/access/v1/evaluations", body });
  const auditFor = async (decisionId: string) => h.db.select().from(auditEvents).where(eq(auditEvents.targetId, decisionId));
  const decisionCount = async (sid = sessionId) => (await h.db.select({ n: sql<number>`count(*)::int` }).from(decisions).where(eq(decisions.sessionId, sid)))[0].n;

  const tool = (id: string, properties?: object) => ({ type: "tool", id, ...(properties ? { properties } : {}) });
  const READ = { resource: tool("github:issues"), action: { name: "read" } }; // allow
  const WRITE = { resource: tool("github:issues"), action: { name: "write" } }; // escalate: outside the intent
  const LEAK = { resource: tool("email:send", { sensitivity: "restricted", destination: "email:someone@partner.example" }), action: { name: "message" } }; // deny: guardrail

  const newSession = async (): Promise<string> => {
    const s = await call(H(sessionsRoute.POST), {
      token: key,
      path: "/api/v1/sessions",
      body: { intent: { goal: "triage and report", actions: ["github:issues.read", "email:send.message"], maxSensitivity: "restricted", destinations: ["external:*"], ttlSeconds: 3600 } },
    });
    expect(s.body).toMatchObject({ status: "active" });
    return s.body.id;
  };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await ensureGuardrails(h.db);
    const envelope = { actions: ["github:*", "email:*"], maxSensitivity: "restricted" as const, destinations: ["internal:*", "external:*"], maxTtlSeconds: 3600 };
    const a = await createAgent(h.db, system, { name: "authzen-bot", identityKind: "spiffe", identity, team: "devex", purpose: "", riskTier: "low", envelope });
    const b = await createAgent(h.db, system, { name: "other-bot", identityKind: "key", team: "devex", purpose: "", riskTier: "low", envelope });
    key = (await issueAgentKey(h.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
    otherKey = (await issueAgentKey(h.db, system, b!.id, { name: "k", expiresInDays: 1 })).secret;
    leaks.push(key, otherKey);
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] }] }));
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "email", displayName: "Email", kind: "messaging", sensitivity: "confidential", tools: [{ name: "send", operations: [{ name: "message", access: "write" }] }] }));
  });
  // Each test gets its own session: five denials in one session escalate everything after them.
  beforeEach(async () => {
    sessionId = await newSession();
  });
  afterAll(async () => h?.close());

  it("publishes PDP metadata with absolute endpoints for the URL clients use, unauthenticated", async () => {
    // What the operator configured would win (lib/domain/public-url.ts); here, the request's.
    vi.stubEnv("WARDEN_PUBLIC_URL", "");
    vi.stubEnv("NEXTAUTH_URL", "");
    try {
      const get = async (url: string, headers: Record<string, string>) => {
        const res = await wellKnownRoute.GET(new NextRequest(url, { headers }));
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        return res.json();
      };
      expect(await get("http://localhost/.well-known/authzen-configuration", { host: "localhost" })).toEqual({
        policy_decision_point: "http://localhost",
        access_evaluation_endpoint: "http://localhost/access/v1/evaluation",
        access_evaluations_endpoint: "http://localhost/access/v1/evaluations",
      });
      // Behind a proxy: the host and scheme the client used, never the address Warden listens on.
      const proxied = await get("http://0.0.0.0:3000/.well-known/authzen-configuration", { host: "0.0.0.0:3000", "x-forwarded-proto": "https", "x-forwarded-host": "pdp.example.com" });
      expect(proxied.access_evaluations_endpoint).toBe("https://pdp.example.com/access/v1/evaluations");
      expect((await get("http://0.0.0.0:3000/.well-known/authzen-configuration", { host: "0.0.0.0:3000" })).policy_decision_point).toBe("http://localhost:3000");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses a PEP without agent credentials", async () => {
    const body = { subject: me, ...READ, context: { sessionId } };
    expect((await call(H(evaluationRoute.POST), { path: "/access/v1/evaluation", body })).status).toBe(401);
    expect((await call(H(evaluationsRoute.POST), { token: "wdn_ak_" + "A".repeat(43), path: "/access/v1/evaluations", body })).status).toBe(401);
  });

  it("answers true for Warden's allow, with the decision recorded and audited once", async () => {
    const r = await evaluate({ subject: me, ...READ, context: { sessionId, arguments: { q: "label:bug", token: "sk-secret-xyz" } } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ decision: true, context: { decisionId: expect.any(String) } });
    const [row] = await h.db.select().from(decisions).where(eq(decisions.id, r.body.context.decisionId));
    expect(row).toMatchObject({ outcome: "allow", connector: "github", tool: "issues", operation: "read", sessionId });
    expect(JSON.stringify(row)).not.toContain("sk-secret-xyz");
    expect(await auditFor(r.body.context.decisionId)).toHaveLength(1);
    // The agent's name is as good as its identity.
    expect((await evaluate({ subject: { type: "agent", id: "authzen-bot" }, ...READ, context: { sessionId } })).body.decision).toBe(true);
  });

  it("answers a deny as HTTP 200 decision false with reason_admin codes", async () => {
    const r = await evaluate({ subject: me, ...LEAK, context: { sessionId } });
    expect(r.status).toBe(200);
    expect(r.body.decision).toBe(false);
    expect(r.body.context.reason_admin).toHaveProperty(["policy.forbid"]);
    expect(r.body.context.reason_user).toBeTruthy();
    const [row] = await h.db.select().from(decisions).where(eq(decisions.id, r.body.context.decisionId));
    expect(row.outcome).toBe("deny");
    expect(await auditFor(r.body.context.decisionId)).toHaveLength(1);
  });

  it("answers an escalation as decision false with the pending escalation", async () => {
    const r = await evaluate({ subject: me, ...WRITE, context: { sessionId } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ decision: false, context: { escalation: { id: expect.any(String), status: "pending" }, decisionId: expect.any(String) } });
    expect(r.body.context.reasons.map((x: { code: string }) => x.code)).toContain("intent.operation_not_declared");
    const [esc] = await h.db.select().from(escalations).where(eq(escalations.id, r.body.context.escalation.id));
    expect(esc).toMatchObject({ status: "pending", decisionId: r.body.context.decisionId });
  });

  it("never evaluates on behalf of another subject", async () => {
    const before = await decisionCount();
    for (const subject of [{ type: "agent", id: "other-bot" }, { type: "user", id: "authzen-bot" }, { type: "agent", id: "spiffe://acme.internal/ns/devex/sa/someone" }]) {
      const r = await evaluate({ subject, ...READ, context: { sessionId } });
      expect(r.status).toBe(200);
      expect(r.body.decision).toBe(false);
      expect(r.body.context.reason_admin).toHaveProperty(["subject.not_caller"]);
    }
    // Another agent cannot borrow this one's identity either: the subject must be the caller.
    const borrowed = await evaluate({ subject: me, ...READ, context: { sessionId } }, otherKey);
    expect(borrowed.body.decision).toBe(false);
    expect(await decisionCount()).toBe(before);
  });

  it("answers an unknown or foreign session with decision false and the error in context", async () => {
    for (const [sid, token] of [["7b0c1a0e-8d1e-4c55-9f3a-0a4a1f2b3c4d", key], [sessionId, otherKey]] as const) {
      const subject = token === key ? me : { type: "agent", id: "other-bot" };
      const r = await evaluate({ subject, ...READ, context: { sessionId: sid } }, token);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ decision: false, context: { error: { status: 404, message: "Session not found" } } });
    }
  });

  it("answers bad bodies with 4xx naming the field, and records nothing", async () => {
    const before = await decisionCount();
    const bad: [unknown, string][] = [
      [{ ...READ, context: { sessionId } }, "subject"],
      [{ subject: me, resource: tool("github:issues"), context: { sessionId } }, "action"],
      [{ subject: me, action: { name: "read" }, context: { sessionId } }, "resource"],
      [{ subject: me, ...READ }, "context"],
      [{ subject: me, ...READ, context: {} }, "context.sessionId"],
      [{ subject: me, resource: { type: "document", id: "1" }, action: { name: "read" }, context: { sessionId } }, "resource.type"],
    ];
    for (const [body, field] of bad) {
      const r = await evaluate(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.fields[0].path).toBe(field);
    }
    const big = await evaluate({ subject: me, ...READ, context: { sessionId, arguments: "x".repeat(70_000) } });
    expect(big.status).toBe(413);
    expect(await decisionCount()).toBe(before);
  });

  it("echoes X-Request-ID on answers and errors, and records it with the decision", async () => {
    const send = async (handler: unknown, path: string, body: unknown, rid: string) => {
      const req = new NextRequest(`http://localhost${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-request-id": rid },
        body: JSON.stringify(body),
      });
      return H(handler)(req, { params: Promise.resolve({}) });
    };
    const rid = "bfe9eb29-ab87-4ca3-be83-a1d5d8305716";
    const r = await send(evaluationRoute.POST, "/access/v1/evaluation", { subject: me, ...READ, context: { sessionId } }, rid);
    expect(r.headers.get("x-request-id")).toBe(rid);
    const body = await r.json();
    const [ev] = await auditFor(body.context.decisionId);
    expect(ev.requestId).toBe(rid);
    const m = await send(evaluationsRoute.POST, "/access/v1/evaluations", { subject: me, context: { sessionId }, evaluations: [READ] }, "batch-1");
    expect(m.headers.get("x-request-id")).toBe("batch-1");
    const e = await send(evaluationRoute.POST, "/access/v1/evaluation", { nope: true }, "bad-1");
    expect(e.status).toBe(400);
    expect(e.headers.get("x-request-id")).toBe("bad-1");
    expect((await e.json()).error.requestId).toBe("bad-1");
  });

  it("boxcars with execute_all: every evaluation decided, in order, defaults applied", async () => {
    const before = await decisionCount();
    const r = await evaluateMany({ subject: me, context: { sessionId }, evaluations: [READ, WRITE, { ...READ, context: { sessionId, arguments: { n: 1 } } }, LEAK] });
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty("decision");
    const ds = r.body.evaluations as Decision[];
    expect(ds.map((d) => d.decision)).toEqual([true, false, true, false]);
    expect(ds[1].context).toMatchObject({ escalation: { status: "pending" } });
    expect(ds[3].context!.reason_admin).toHaveProperty(["policy.forbid"]);
    expect(await decisionCount()).toBe(before + 4);
    for (const d of ds) expect(await auditFor(d.context!.decisionId)).toHaveLength(1);
    // execute_all is the default and can be named.
    const named = await evaluateMany({ subject: me, context: { sessionId }, options: { evaluations_semantic: "execute_all" }, evaluations: [WRITE, READ] });
    expect((named.body.evaluations as Decision[]).map((d) => d.decision)).toEqual([false, true]);
  });

  it("stops after the first false with deny_on_first_deny; the rest are not evaluated", async () => {
    const before = await decisionCount();
    const r = await evaluateMany({ subject: me, context: { sessionId }, options: { evaluations_semantic: "deny_on_first_deny" }, evaluations: [READ, LEAK, READ, READ] });
    expect(r.status).toBe(200);
    expect((r.body.evaluations as Decision[]).map((d) => d.decision)).toEqual([true, false]);
    expect(await decisionCount()).toBe(before + 2);
    // A subject refusal counts as a denial too, and nothing after it runs.
    const s = await evaluateMany({ context: { sessionId }, ...READ, options: { evaluations_semantic: "deny_on_first_deny" }, evaluations: [{ subject: me }, { subject: { type: "agent", id: "other-bot" } }, { subject: me }] });
    expect((s.body.evaluations as Decision[]).map((d) => d.decision)).toEqual([true, false]);
    expect(await decisionCount()).toBe(before + 3);
    const all = await evaluateMany({ subject: me, context: { sessionId }, options: { evaluations_semantic: "deny_on_first_deny" }, evaluations: [READ, READ, READ] });
    expect((all.body.evaluations as Decision[]).map((d) => d.decision)).toEqual([true, true, true]);
  });

  it("stops after the first true with permit_on_first_permit", async () => {
    const before = await decisionCount();
    const r = await evaluateMany({ subject: me, context: { sessionId }, options: { evaluations_semantic: "permit_on_first_permit" }, evaluations: [WRITE, LEAK, READ, READ, WRITE] });
    expect(r.status).toBe(200);
    expect((r.body.evaluations as Decision[]).map((d) => d.decision)).toEqual([false, false, true]);
    expect(await decisionCount()).toBe(before + 3);
    const none = await evaluateMany({ subject: me, context: { sessionId }, options: { evaluations_semantic: "permit_on_first_permit" }, evaluations: [WRITE, LEAK] });
    expect((none.body.evaluations as Decision[]).map((d) => d.decision)).toEqual([false, false]);
  });

  it("answers like the single API without evaluations, and refuses bad or oversize payloads whole", async () => {
    const single = await evaluateMany({ subject: me, ...READ, context: { sessionId }, evaluations: [] });
    expect(single.body).toEqual({ decision: true, context: { decisionId: expect.any(String) } });
    const before = await decisionCount();
    const tooMany = await evaluateMany({ subject: me, ...READ, context: { sessionId }, evaluations: Array.from({ length: 101 }, () => ({})) });
    expect(tooMany.status).toBe(400);
    const badSemantic = await evaluateMany({ subject: me, ...READ, context: { sessionId }, evaluations: [{}], options: { evaluations_semantic: "first_wins" } });
    expect(badSemantic.status).toBe(400);
    const badDefault = await evaluateMany({ subject: "agent", ...READ, context: { sessionId }, evaluations: [{}] });
    expect(badDefault.status).toBe(400);
    expect(badDefault.body.error.fields[0].path).toBe("subject");
    expect(await decisionCount()).toBe(before);
  });

  it("answers a bad item of a batch with its own error, undecided, and decides the rest (scenario C-3-4-1)", async () => {
    const before = await decisionCount();
    const r = await evaluateMany({ subject: me, context: { sessionId }, options: { evaluations_semantic: "execute_all" }, evaluations: [READ, { resource: tool("github:issues") }, READ, { ...READ, resource: { type: "document", id: "github:issues" } }] });
    expect(r.status).toBe(200);
    const ds = r.body.evaluations as Decision[];
    expect(ds.map((d) => d.decision)).toEqual([true, false, true, false]);
    expect(ds[1]).toEqual({ decision: false, context: { error: { status: 400, message: "action: is required (in the evaluation or as a top-level default)" } } });
    expect(ds[3].context!.error).toEqual({ status: 400, message: 'resource.type: must be "tool" (Warden decides tool calls)' });
    // Only the two good items were decided and recorded.
    expect(await decisionCount()).toBe(before + 2);
    for (const d of [ds[0], ds[2]]) expect(await auditFor(d.context!.decisionId)).toHaveLength(1);
    // A bad item is a denial for deny_on_first_deny: nothing after it runs.
    const stop = await evaluateMany({ subject: me, context: { sessionId }, options: { evaluations_semantic: "deny_on_first_deny" }, evaluations: [{ resource: tool("github:issues") }, READ] });
    expect((stop.body.evaluations as Decision[]).map((d) => d.decision)).toEqual([false]);
    expect(await decisionCount()).toBe(before + 2);
  });

  it("never answers 500 to random bodies; 200 only for valid ones; every true is audited once", async () => {
    const seed = Number(process.env.AUTHZEN_FUZZ_SEED ?? Date.now() % 1_000_000);
    const rand = prng(seed);
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T,>(xs: readonly T[]) => xs[int(xs.length)];
    const KEYS = ["subject", "action", "resource", "context", "evaluations", "options", "type", "id", "name", "properties", "sessionId", "arguments", "evaluations_semantic", "sensitivity", "destination", "__proto__", "constructor", "toString", "", "ünï", "a".repeat(40)];
    const STRINGS = ["", "tool", "agent", "read", "write", "github:issues", "email:send", "restricted", "deny_on_first_deny", "permit_on_first_permit", "execute_all", sessionId, identity, "authzen-bot", "x".repeat(300), "\u0000", "😀", "GitHub!:x"];
    const value = (depth: number): unknown => {
      const r = int(depth >= 30 ? 6 : 9);
      switch (r) {
        case 0: return null;
        case 1: return rand() < 0.5;
        case 2: return pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
        case 3: case 4: return pick(STRINGS);
        case 5: return Math.random().toString(36).slice(2);
        case 6: case 7: {
          const o: Record<string, unknown> = {};
          for (let i = int(4); i > 0; i--) Object.defineProperty(o, rand() < 0.7 ? pick(KEYS) : rand().toString(36).slice(2, 6), { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
          return o;
        }
        default: return Array.from({ length: int(4) }, () => value(depth + 1));
      }
    };
    const deep = (depth: number): unknown => (depth === 0 ? value(29) : rand() < 0.5 ? { [pick(KEYS)]: deep(depth - 1) } : [deep(depth - 1)]);
    // Mutates a valid template at one random place, so a fair share of bodies stays valid.
    const mutate = (v: unknown, depth = 0): unknown => {
      if (v === null || typeof v !== "object" || rand() < 0.25) return rand() < 0.5 ? value(depth) : v;
      const copy: any = Array.isArray(v) ? [...v] : { ...v };
      const keys = Object.keys(copy);
      const r = rand();
      if (r < 0.15 && keys.length) delete copy[pick(keys)];
      else if (r < 0.35) Object.defineProperty(copy, pick(KEYS), { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
      else if (keys.length) { const k = pick(keys); copy[k] = mutate(copy[k], depth + 1); }
      return copy;
    };
    const valid = () => {
      const body: any = { subject: me, ...pick([READ, WRITE, LEAK]), context: { sessionId, ...(rand() < 0.5 ? { arguments: value(0) } : {}) } };
      if (rand() < 0.5) return body;
      return { subject: me, context: { sessionId }, options: { evaluations_semantic: pick(["execute_all", "deny_on_first_deny", "permit_on_first_permit"]) }, evaluations: Array.from({ length: 1 + int(3) }, () => pick([READ, WRITE, LEAK, { ...READ, subject: { type: "agent", id: "other-bot" } }])) };
    };
    const isValid = (body: unknown, batch: boolean) => {
      try {
        (batch ? parseEvaluations : parseEvaluation)(body);
        return true;
      } catch {
        return false;
      }
    };

    let oks = 0;
    let trues = 0;
    for (let i = 0; i < 200; i++) {
      if (i % 10 === 0) sessionId = await newSession();
      const r0 = rand();
      const body = r0 < 0.3 ? value(0) : r0 < 0.4 ? deep(30) : r0 < 0.55 ? valid() : mutate(valid());
      const batch = i % 2 === 1;
      const where = `seed ${seed}, body ${i}: ${JSON.stringify(body).slice(0, 300)}`;
      const r = await (batch ? evaluateMany : evaluate)(body);
      expect(r.status, where).not.toBe(500);
      const ok = isValid(JSON.parse(JSON.stringify(body)), batch);
      if (!ok) {
        expect(r.status, where).toBeGreaterThanOrEqual(400);
        expect(r.status, where).toBeLessThan(500);
        expect(r.body.error.code, where).toBeTruthy();
        continue;
      }
      expect(r.status, where).toBe(200);
      oks++;
      const answers: Decision[] = "evaluations" in r.body ? r.body.evaluations : [r.body];
      for (const a of answers) {
        expect(typeof a.decision, where).toBe("boolean");
        if (a.decision !== true) continue;
        trues++;
        const id = a.context?.decisionId;
        expect(id, where).toBeTruthy();
        const events = await h.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "decision.allow")));
        expect(events, where).toHaveLength(1);
      }
    }
    expect(oks).toBeGreaterThan(10);
    expect(trues).toBeGreaterThan(0);
  });

  it("has exactly one chained audit event per decision", async () => {
    const [{ n: d }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(decisions);
    const [{ n: a }] = await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(like(auditEvents.action, "decision.%"));
    expect(a).toBe(d);
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
  });
});
