import { beforeEach, describe, expect, it, vi } from "vitest";

// The endpoint without a database: a stand-in runtime that knows one agent key, and the
// decision itself mocked (the integration tests run the real one: authzen*.int.test.ts).
const authorize = vi.hoisted(() => vi.fn());
vi.mock("@/lib/services/decisions/authorize", () => ({ authorize }));
const agent = { id: "a1", name: "bot", identity: "spiffe://acme/bot", riskTier: "low", status: "active", team: "t", envelope: {}, via: "key" };
const runtime = vi.hoisted(() => ({ current: undefined as unknown }));
// currentRuntime is what the outage counter reads: none while the runtime itself could not open.
vi.mock("@/lib/runtime", () => ({ getRuntime: () => runtime.current, currentRuntime: () => (runtime.current instanceof Promise ? undefined : runtime.current) }));

import { readJson } from "./body";
import { authzenBody } from "@/lib/domain/authzen/schemas";
import { answerAuthzen, answerMetadata, authzenStatus, type AuthzenKind } from "./authzen-endpoint";

const GOOD = "Bearer wdn_ak_good";
const SID = "7b0c1a0e-8d1e-4c55-9f3a-0a4a1f2b3c4d";
const valid = { subject: { type: "agent", id: "bot" }, action: { name: "read" }, resource: { type: "tool", id: "github:issues" }, context: { sessionId: SID } };
const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

/** Sends `body` as the Next route would read it: the real readJson on a fetch Request. */
function ask(kind: AuthzenKind, body: string | undefined, opts: { contentType?: string | null; auth?: string | null; requestId?: string } = {}) {
  const headers = new Headers();
  if (opts.contentType !== null) headers.set("content-type", opts.contentType ?? "application/json");
  const req = new Request(`http://localhost/access/v1/${kind}`, { method: "POST", headers, body });
  return answerAuthzen(kind, opts.auth === undefined ? GOOD : opts.auth, (max) => readJson(req, authzenBody, max), { requestId: opts.requestId ?? "rid-1", ip: null });
}

beforeEach(() => {
  authorize.mockReset();
  runtime.current = {
    agentAuth: { authenticate: (h: string | null) => (h === GOOD ? agent : Promise.resolve({ code: "unknown_key" })) },
    policies: { current: () => ({}) },
    availability: { refused: () => {} },
  };
});

describe("answerAuthzen: the spec's status codes", () => {
  it("answers a wrong or missing content type with 400, not 415 (scenario C-2-4-3)", async () => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", null]) {
      for (const kind of ["evaluation", "evaluations"] as const) {
        const a = await ask(kind, JSON.stringify(valid), { contentType });
        expect(a.status, `${kind} ${contentType}`).toBe(400);
        expect(a.body).toMatchObject({ error: { code: "unsupported_media_type", requestId: "rid-1" } });
      }
    }
    expect(authzenStatus("unsupported_media_type")).toBe(400);
    // Warden's own API keeps 415; only AuthZEN answers differ.
    expect(authzenStatus("payload_too_large")).toBe(413);
  });

  it("answers an empty body and malformed JSON with 400 (C-2-4-4, C-2-4-5)", async () => {
    for (const body of [undefined, "", "{not json", "{\"subject\":"]) {
      const a = await ask("evaluation", body);
      expect(a.status, String(body)).toBe(400);
      expect(a.body).toMatchObject({ error: { code: "invalid_json" } });
    }
    expect((await ask("evaluations", "")).status).toBe(400);
  });

  it("answers missing fields and wrong types with 400 naming the field (C-2-4-1, C-2-4-6)", async () => {
    const a = await ask("evaluation", JSON.stringify({ ...valid, subject: "alice" }));
    expect(a.status).toBe(400);
    expect(a.body).toMatchObject({ error: { code: "validation_failed", fields: [{ path: "subject" }] } });
    expect((await ask("evaluation", JSON.stringify({ ...valid, action: { name: 123 } }))).status).toBe(400);
    expect((await ask("evaluations", JSON.stringify({ action: valid.action, resource: valid.resource }))).status).toBe(400);
    expect(authorize).not.toHaveBeenCalled();
  });

  it("answers bad credentials with 401 and WWW-Authenticate, before reading the body", async () => {
    for (const auth of [null, "Bearer wdn_ak_wrong"]) {
      const a = await ask("evaluation", "{not json", { auth });
      expect(a.status).toBe(401);
      expect(a.headers["www-authenticate"]).toBe('Bearer realm="warden"');
      expect(a.body).toMatchObject({ error: { code: "unauthenticated" } });
    }
  });

  it("refuses an oversize body with 413 and closes the connection", async () => {
    const big = JSON.stringify({ ...valid, context: { sessionId: SID, arguments: "x".repeat(70 * 1024) } });
    const a = await ask("evaluation", big);
    expect(a.status).toBe(413);
    expect(a.headers.connection).toBe("close");
    // A batch may be larger.
    authorize.mockResolvedValue({ decision: "allow", reasons: [], decisionId: "d1" });
    expect((await ask("evaluations", big)).status).toBe(200);
  });

  it("echoes X-Request-ID on every answer, errors included", async () => {
    authorize.mockResolvedValue({ decision: "allow", reasons: [], decisionId: "d1" });
    const answers = [
      await ask("evaluation", JSON.stringify(valid), { requestId: "echo-ok" }),
      await ask("evaluation", JSON.stringify(valid), { requestId: "echo-type", contentType: "text/plain" }),
      await ask("evaluation", "", { requestId: "echo-empty" }),
      await ask("evaluation", JSON.stringify(valid), { requestId: "echo-401", auth: null }),
    ];
    expect(answers.map((a) => a.headers["x-request-id"])).toEqual(["echo-ok", "echo-type", "echo-empty", "echo-401"]);
    expect(answers[0]).toMatchObject({ status: 200, body: { decision: true, context: { decisionId: "d1" } } });
    expect(answers.slice(1).map((a) => (a.body as { error: { requestId: string } }).error.requestId)).toEqual(["echo-type", "echo-empty", "echo-401"]);
  });

  it("answers an outage with 503 and decision false, Retry-After and the request id", async () => {
    authorize.mockRejectedValue(refused);
    const a = await ask("evaluation", JSON.stringify(valid), { requestId: "down" });
    expect(a.status).toBe(503);
    expect(a.headers).toMatchObject({ "retry-after": "2", "x-request-id": "down" });
    expect(a.body).toMatchObject({ decision: false, context: { error: { status: 503 }, reasons: [{ code: "warden.unavailable" }] } });
    // The database unreachable before anything: the runtime could not even open it.
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      runtime.current = Promise.reject(refused);
      const early = await ask("evaluations", JSON.stringify(valid));
      expect(early.status).toBe(503);
      expect(early.body).toMatchObject({ decision: false });
    } finally {
      spy.mockRestore();
    }
  });

  it("answers a decision that cannot be recorded with decision false (audit.unavailable), never an error or true", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      authorize.mockRejectedValue(new Error("write refused"));
      const a = await ask("evaluation", JSON.stringify(valid));
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ decision: false, context: { reasons: [{ code: "audit.unavailable" }] } });
    } finally {
      spy.mockRestore();
    }
  });

  it("answers a batch whose one item is bad with 200 and that item's error (C-3-4-1)", async () => {
    authorize.mockResolvedValue({ decision: "allow", reasons: [], decisionId: "d1" });
    const a = await ask("evaluations", JSON.stringify({ subject: valid.subject, action: valid.action, context: valid.context, options: { evaluations_semantic: "execute_all" }, evaluations: [{ resource: valid.resource }, {}] }));
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      evaluations: [
        { decision: true, context: { decisionId: "d1" } },
        { decision: false, context: { error: { status: 400, message: "resource: is required (in the evaluation or as a top-level default)" } } },
      ],
    });
  });
});

describe("answerMetadata", () => {
  it("gives absolute endpoints under the public base URL, cacheable, varying by the headers it read", () => {
    const a = answerMetadata({ host: "0.0.0.0:3000", "x-forwarded-proto": "https", "x-forwarded-host": "pdp.example.com" }, {}, { requestId: "m1", ip: null });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      policy_decision_point: "https://pdp.example.com",
      access_evaluation_endpoint: "https://pdp.example.com/access/v1/evaluation",
      access_evaluations_endpoint: "https://pdp.example.com/access/v1/evaluations",
    });
    expect(a.headers).toEqual({ "cache-control": "public, max-age=300", vary: "host, x-forwarded-host, x-forwarded-proto", "x-request-id": "m1" });
    const configured = answerMetadata({ host: "0.0.0.0:3000" }, { WARDEN_PUBLIC_URL: "https://warden.example.com/" }, { requestId: "m2", ip: null });
    expect((configured.body as { access_evaluation_endpoint: string }).access_evaluation_endpoint).toBe("https://warden.example.com/access/v1/evaluation");
  });
});
