import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { statusOf } from "@/lib/api/errors";
import { stopsAfter } from "./evaluate";
import { evaluationsRequestSchema, partialEvaluationSchema, withDefaults } from "@/lib/domain/authzen/schemas";
import { fromWarden, isCaller, isFault, MAX_EVALUATIONS, notCallerDecision, parseEvaluation, parseEvaluations, type BatchItem, type WardenEvaluation } from "./map";

const SID = "7b0c1a0e-8d1e-4c55-9f3a-0a4a1f2b3c4d";
const subject = { type: "agent", id: "spiffe://acme.internal/ns/devex/sa/release-bot" };
const resource = { type: "tool", id: "github:issues" };
const action = { name: "read" };
const context = { sessionId: SID };

/** The DomainError a parse throws, or fails the test. */
function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error("expected a validation error");
}
const paths = (fn: () => unknown) => (errorOf(fn).fields ?? []).map((f) => f.path);
/** A batch item the parser mapped, or fails the test. */
function mapped(item: BatchItem): WardenEvaluation {
  if (isFault(item)) throw new Error(`unexpected fault: ${item.fault.message}`);
  return item;
}

describe("AuthZEN Access Evaluation request -> Warden", () => {
  it("maps subject/resource/action/context onto the authorize input", () => {
    const e = parseEvaluation({
      subject,
      resource: { type: "tool", id: "email:send", properties: { resource: "mailbox:ops", sensitivity: "confidential", destination: "email:a@example.com" } },
      action: { name: "message" },
      context: { sessionId: SID, arguments: { to: "a@example.com" } },
    });
    expect(e).toEqual({
      subject,
      input: {
        sessionId: SID,
        action: { connector: "email", tool: "send", operation: "message", resource: "mailbox:ops", sensitivity: "confidential", destination: "email:a@example.com", arguments: { to: "a@example.com" } },
      },
    });
  });

  it("ignores unknown fields everywhere", () => {
    const e = parseEvaluation({
      subject: { ...subject, extra: 1, properties: { department: "ops" } },
      resource: { ...resource, color: "red", properties: { foo: [1, 2] } },
      action: { ...action, properties: { method: "GET" }, zzz: true },
      context: { ...context, time: "1985-10-26T01:22-07:00" },
      options: { whatever: true },
      unknown: { deep: { er: 1 } },
    });
    expect(e.input).toEqual({ sessionId: SID, action: { connector: "github", tool: "issues", operation: "read" } });
    expect(e.subject).toEqual({ type: "agent", id: subject.id, properties: { department: "ops" } });
  });

  it("answers 400 naming each missing required field", () => {
    const err = errorOf(() => parseEvaluation({ resource, action, context }));
    expect(err.code).toBe("validation_failed");
    expect(statusOf(err)).toBe(400);
    expect(err.message).toBe("subject: is required");
    expect(paths(() => parseEvaluation({}))).toEqual(["subject", "action", "resource"]);
    expect(paths(() => parseEvaluation({ subject: { type: "agent" }, resource, action, context }))).toEqual(["subject.id"]);
    expect(paths(() => parseEvaluation({ subject, resource: { id: "github:issues" }, action, context }))).toEqual(["resource.type"]);
    expect(paths(() => parseEvaluation({ subject, resource, action: {}, context }))).toEqual(["action.name"]);
    expect(paths(() => parseEvaluation({ subject, resource, action }))).toEqual(["context"]);
    expect(paths(() => parseEvaluation({ subject, resource, action, context: {} }))).toEqual(["context.sessionId"]);
  });

  it("answers 400 for wrong types and for what Warden cannot evaluate, under the AuthZEN field", () => {
    expect(paths(() => parseEvaluation(null))).toEqual(["(body)"]);
    expect(paths(() => parseEvaluation([subject]))).toEqual(["(body)"]);
    expect(paths(() => parseEvaluation({ subject: "agent", resource, action, context }))).toEqual(["subject"]);
    expect(paths(() => parseEvaluation({ subject: { type: 1, id: "x" }, resource, action, context }))).toEqual(["subject.type"]);
    expect(paths(() => parseEvaluation({ subject: { ...subject, properties: [] }, resource, action, context }))).toEqual(["subject.properties"]);
    expect(paths(() => parseEvaluation({ subject, resource, action, context: [] }))).toEqual(["context"]);
    expect(paths(() => parseEvaluation({ subject, resource: { type: "document", id: "github:issues" }, action, context }))).toEqual(["resource.type"]);
    expect(paths(() => parseEvaluation({ subject, resource: { type: "tool", id: "github" }, action, context }))).toEqual(["resource.id"]);
    expect(paths(() => parseEvaluation({ subject, resource: { type: "tool", id: "GitHub!:issues" }, action, context }))).toEqual(["resource.id"]);
    expect(paths(() => parseEvaluation({ subject, resource: { type: "tool", id: "github:a:b" }, action, context }))).toEqual(["resource.id"]);
    expect(paths(() => parseEvaluation({ subject, resource, action: { name: "Read Everything" }, context }))).toEqual(["action.name"]);
    expect(paths(() => parseEvaluation({ subject, resource: { ...resource, properties: { sensitivity: "secret" } }, action, context }))).toEqual(["resource.properties.sensitivity"]);
    expect(paths(() => parseEvaluation({ subject, resource: { ...resource, properties: { destination: 5 } }, action, context }))).toEqual(["resource.properties.destination"]);
    expect(paths(() => parseEvaluation({ subject, resource, action, context: { sessionId: "nope" } }))).toEqual(["context.sessionId"]);
  });

  it("keeps a __proto__ key as data, never as a prototype", () => {
    const body = JSON.parse(`{"subject":${JSON.stringify(subject)},"resource":${JSON.stringify(resource)},"action":{"name":"read"},"context":{"__proto__":{"sessionId":"${SID}"}}}`);
    expect(paths(() => parseEvaluation(body))).toEqual(["context.sessionId"]);
  });
});

describe("AuthZEN Access Evaluations request", () => {
  it("applies top-level defaults; a key in an evaluation replaces the default whole", () => {
    const body = evaluationsRequestSchema.parse({
      subject,
      action,
      context: { sessionId: SID, arguments: { a: 1 } },
      evaluations: [{ resource }, { resource: { type: "tool", id: "github:pulls" }, action: { name: "write" } }, { resource, context: { sessionId: SID } }],
    });
    const merged = body.evaluations!.map((e) => withDefaults(body, partialEvaluationSchema.parse(e)));
    expect(merged).toHaveLength(3);
    expect(merged[0]).toEqual({ subject, action, resource, context: { sessionId: SID, arguments: { a: 1 } } });
    expect(merged[1].action).toEqual({ name: "write" });
    expect(merged[1].subject).toEqual(subject);
    expect(merged[2].context).toEqual({ sessionId: SID }); // replaced, not deep-merged
  });

  it("maps every evaluation, in order, with the semantic (execute_all by default)", () => {
    const p = parseEvaluations({ subject, context, resource, evaluations: [{ action: { name: "read" } }, { action: { name: "write" } }] });
    expect(p.kind).toBe("batch");
    if (p.kind !== "batch") return;
    expect(p.semantic).toBe("execute_all");
    expect(p.evaluations.map((e) => mapped(e).input.action.operation)).toEqual(["read", "write"]);
    for (const s of ["execute_all", "deny_on_first_deny", "permit_on_first_permit"] as const) {
      const q = parseEvaluations({ subject, context, resource, action, evaluations: [{}], options: { evaluations_semantic: s, another_option: "value" } });
      expect(q.kind === "batch" && q.semantic).toBe(s);
    }
  });

  it("answers like the single API when evaluations is absent or empty", () => {
    for (const extra of [{}, { evaluations: [] }]) {
      const p = parseEvaluations({ subject, resource, action, context, ...extra });
      expect(p).toEqual({ kind: "single", evaluation: parseEvaluation({ subject, resource, action, context }) });
    }
    expect(paths(() => parseEvaluations({ evaluations: [] }))).toEqual(["subject", "action", "resource"]);
  });

  it("answers an item without a value or a default for a key with its own error, not a failed batch", () => {
    const items = (body: unknown) => {
      const p = parseEvaluations(body);
      if (p.kind !== "batch") throw new Error("expected a batch");
      return p.evaluations.map((e) => (isFault(e) ? e.fault : "ok"));
    };
    expect(items({ subject, context, evaluations: [{ action, resource }, { action }, { resource }] })).toEqual([
      "ok",
      { status: 400, message: "resource: is required (in the evaluation or as a top-level default)" },
      { status: 400, message: "action: is required (in the evaluation or as a top-level default)" },
    ]);
    expect(items({ subject, action, resource, evaluations: [{}, { context: { sessionId: "x" } }] })).toEqual([
      { status: 400, message: "context: is required (it carries sessionId)" },
      { status: 400, message: "context.sessionId: must be a UUID (a Warden session id)" },
    ]);
    // Malformed items, and what Warden cannot evaluate, fail only themselves.
    expect(items({ subject, action, resource, context, evaluations: [{}, 5, { subject: "agent" }, { resource: { type: "document", id: "1" } }, { action: { name: 7 } }] })).toEqual([
      "ok",
      { status: 400, message: "(evaluation): must be an object" },
      { status: 400, message: "subject: must be an object" },
      { status: 400, message: 'resource.type: must be "tool" (Warden decides tool calls)' },
      { status: 400, message: "action.name: must be a string" },
    ]);
  });

  it("gives the certification scenario's C-3-4-1 batch (second evaluation missing resource) an answer per item", () => {
    const p = parseEvaluations({ subject, action, context, options: { evaluations_semantic: "execute_all" }, evaluations: [{ resource }, {}] });
    expect(p.kind === "batch" && p.evaluations).toHaveLength(2);
    if (p.kind !== "batch") return;
    expect(isFault(p.evaluations[0])).toBe(false);
    expect(p.evaluations[1]).toEqual({ fault: { status: 400, message: "resource: is required (in the evaluation or as a top-level default)" } });
  });

  it("still refuses a fault of the whole payload with a 400", () => {
    expect(paths(() => parseEvaluations({ subject, action, resource, context, evaluations: {} }))).toEqual(["evaluations"]);
    expect(paths(() => parseEvaluations([{ subject }]))).toEqual(["(body)"]);
    expect(paths(() => parseEvaluations("evaluations"))).toEqual(["(body)"]);
    // A malformed top-level default is the payload's, whichever item would have used it.
    expect(paths(() => parseEvaluations({ subject: "agent", action, resource, context, evaluations: [{ subject }] }))).toEqual(["subject"]);
    expect(paths(() => parseEvaluations({ subject, action: { name: 123 }, resource, context, evaluations: [{}] }))).toEqual(["action.name"]);
    expect(paths(() => parseEvaluations({ subject, action, resource, context: [], evaluations: [{}] }))).toEqual(["context"]);
    expect(paths(() => parseEvaluations({ subject, action, resource, context, evaluations: [{}], options: 1 }))).toEqual(["options"]);
    // Without evaluations it is the single request: any fault is the request's.
    expect(paths(() => parseEvaluations({ subject, action, context, evaluations: [] }))).toEqual(["resource"]);
    expect(paths(() => parseEvaluations({ subject, action, resource: { type: "document", id: "github:issues" }, context }))).toEqual(["resource.type"]);
  });

  it("refuses an unknown semantic and more than the batch limit", () => {
    expect(paths(() => parseEvaluations({ subject, action, resource, context, evaluations: [{}], options: { evaluations_semantic: "first_wins" } }))).toEqual(["options.evaluations_semantic"]);
    const ok = parseEvaluations({ subject, action, resource, context, evaluations: Array.from({ length: MAX_EVALUATIONS }, () => ({})) });
    expect(ok.kind === "batch" && ok.evaluations).toHaveLength(MAX_EVALUATIONS);
    const err = errorOf(() => parseEvaluations({ subject, action, resource, context, evaluations: Array.from({ length: MAX_EVALUATIONS + 1 }, () => ({})) }));
    expect(statusOf(err)).toBe(400);
    expect(err.message).toMatch(/^evaluations: at most 100/);
  });
});

describe("Warden -> AuthZEN decisions", () => {
  const DID = "00000000-0000-4000-8000-000000000001";
  it("is true only for allow", () => {
    expect(fromWarden({ decision: "allow", reasons: [], decisionId: DID })).toEqual({ decision: true, context: { decisionId: DID } });
  });

  it("carries a deny's reasons as reason_admin codes", () => {
    const reasons = [{ code: "policy.forbid", message: "Forbidden by guardrail g1" }];
    expect(fromWarden({ decision: "deny", reasons, decisionId: DID })).toEqual({
      decision: false,
      context: { decisionId: DID, reasons, reason_admin: { "policy.forbid": "Forbidden by guardrail g1" }, reason_user: { "403": expect.any(String) } },
    });
  });

  it("carries an escalation as pending, with reasons and the diff", () => {
    const reasons = [{ code: "intent.operation_not_declared", message: "x" }];
    const diff = [{ field: "action", declared: ["github:issues.read"], actual: "github:issues.write" }];
    const d = fromWarden({ decision: "escalate", reasons, decisionId: DID, escalationId: "e1", diff });
    expect(d.decision).toBe(false);
    expect(d.context).toMatchObject({ decisionId: DID, escalation: { id: "e1", status: "pending" }, reasons, reason_admin: { "intent.operation_not_declared": "x" }, diff });
  });

  it("recognises the caller by identity or name, and only as type agent", () => {
    const agent = { identity: "spiffe://acme.internal/ns/devex/sa/release-bot", name: "release-bot" };
    expect(isCaller({ type: "agent", id: agent.identity }, agent)).toBe(true);
    expect(isCaller({ type: "agent", id: "release-bot" }, agent)).toBe(true);
    expect(isCaller({ type: "user", id: "release-bot" }, agent)).toBe(false);
    expect(isCaller({ type: "agent", id: "other-bot" }, agent)).toBe(false);
    expect(notCallerDecision({ type: "agent", id: "other-bot" })).toMatchObject({ decision: false, context: { reason_admin: { "subject.not_caller": expect.any(String) } } });
  });

  it("short-circuits as && and ||", () => {
    expect(stopsAfter("execute_all", { decision: false })).toBe(false);
    expect(stopsAfter("deny_on_first_deny", { decision: false })).toBe(true);
    expect(stopsAfter("deny_on_first_deny", { decision: true })).toBe(false);
    expect(stopsAfter("permit_on_first_permit", { decision: true })).toBe(true);
    expect(stopsAfter("permit_on_first_permit", { decision: false })).toBe(false);
  });
});

describe("messages", () => {
  it("says which part of resource.id is wrong", () => {
    const msg = (id: string) => errorOf(() => parseEvaluation({ subject, resource: { type: "tool", id }, action, context })).message;
    expect(msg("GitHub!:issues")).toMatch(/^resource\.id: connector: lower-case/);
    expect(msg("github:")).toBe("resource.id: tool is required");
    expect(msg("github")).toBe('resource.id: must be "<connector>:<tool>"');
  });
});
