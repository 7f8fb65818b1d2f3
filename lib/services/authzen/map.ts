/**
 * OpenID AuthZEN Authorization API 1.0 <-> Warden's decision path.
 *
 * Spec text read from the openid/authzen repository, api/authorization-api-1_0.md at commit
 * e287920 ("Sync evaluation schemas with the final 1.0 text"), published as
 * https://openid.net/specs/authorization-api-1_0.html, plus api/schemas/evaluation-request.schema.json
 * and evaluation-response.schema.json. Field names below are the spec's:
 *   - Subject {#subject}: REQUIRED `type` (string), `id` (string); OPTIONAL `properties` (object).
 *   - Resource {#resource}: REQUIRED `type`, `id` (strings); OPTIONAL `properties` (object).
 *   - Action {#action}: REQUIRED `name` (string); OPTIONAL `properties` (object).
 *   - Context {#context}: an object.
 *   - Access Evaluation request {#access-evaluation-request}: `subject`, `action`, `resource`
 *     REQUIRED; `context` OPTIONAL.
 *   - Decision {#decision}: REQUIRED `decision` (boolean), OPTIONAL `context` (object). Decision
 *     context example 1 {#decision-examples} conveys reasons as `reason_admin` / `reason_user`
 *     objects keyed by a code; per-evaluation errors are `context.error { status, message }`
 *     (Access Evaluations API "Errors").
 *   - Access Evaluations request {#access-evaluations-request}: OPTIONAL `evaluations` array of
 *     evaluation requests; the top-level `subject`, `action`, `resource`, `context` are defaults,
 *     and "Any of these keys specified within an individual evaluation object overrides the
 *     corresponding top-level default" {#default-values} (a key replaces the default whole; it is
 *     not deep-merged). If `evaluations` is absent or empty the request "behaves in a
 *     backwards-compatible manner with the (single) Access Evaluation API Request".
 *   - Options {#evaluations-semantics}: `options.evaluations_semantic` is exactly one of
 *     `execute_all` (default), `deny_on_first_deny`, `permit_on_first_permit`.
 *   - JSON Serialization {#transport-https-json-serialization}: an omitted required attribute is a
 *     400 Bad Request; "receivers MUST ignore unknown fields".
 *
 * Mapping (the PEP authenticates as the agent, with the same bearer as the machine API):
 *
 *   AuthZEN                                                 Warden (POST /api/v1/authorize)
 *   subject  { type: "agent", id: <agent identity|name> } the authenticated agent itself. Any
 *                                                           other subject is `decision: false`
 *                                                           (reason `subject.not_caller`) and is
 *                                                           never evaluated: an agent cannot ask
 *                                                           on behalf of another.
 *   resource { type: "tool", id: "<connector>:<tool>",    action.connector, action.tool,
 *              properties: { resource?, sensitivity?,      action.resource, action.sensitivity,
 *                            destination? } }              action.destination
 *   action   { name: "<operation>" }                       action.operation
 *   context  { sessionId (required), arguments? }          sessionId, action.arguments
 *
 *   Warden allow    -> { decision: true, context: { decisionId } }
 *   Warden deny     -> { decision: false, context: { decisionId, reasons, reason_admin: { <code>: <message> },
 *                        reason_user: { "403": ... }, diff? } }
 *   Warden escalate -> { decision: false, context: { decisionId, escalation: { id, status: "pending" },
 *                        reasons, reason_admin, reason_user, diff? } }
 *   unknown/foreign session -> { decision: false, context: { error: { status: 404, message } } }
 *   database unavailable    -> HTTP 503, Retry-After, { decision: false, context: { error: { status: 503, message },
 *                              reasons: [{ code: "warden.unavailable", … }], reason_admin, reason_user: { "503": … } } }
 *
 * `decision: true` is only ever Warden's allow. Names (connector, tool, operation) and the
 * property values are checked by Warden's own `actionSchema`; problems are reported under the
 * AuthZEN field that carried them (e.g. `resource.id`, `action.name`, `context.sessionId`).
 */
import { z } from "zod";
import { DomainError, type FieldError } from "@/lib/errors";
import { notStoredAsGiven } from "@/lib/domain/request";
import { UNAVAILABLE_MESSAGE, UNAVAILABLE_REASON } from "@/lib/domain/unavailable";
import { findUnstorable } from "@/lib/storable";
import type { DiffEntry, Reason } from "@/lib/db/schema/decisions";
import type { AgentCaller } from "../machine/authenticate";
import type { AuthorizeResult } from "../decisions/authorize";
import { actionSchema, type AuthorizeInput } from "../decisions/schemas";

/** Most evaluations one Access Evaluations request may carry. */
export const MAX_EVALUATIONS = 100;

export const EVALUATIONS_SEMANTICS = ["execute_all", "deny_on_first_deny", "permit_on_first_permit"] as const;
export type EvaluationsSemantic = (typeof EVALUATIONS_SEMANTICS)[number];

// ---------------------------------------------------------------------------------------------
// AuthZEN request shapes (structure only; unknown fields are dropped by zod objects).

/**
 * The body as read (lib/api/body.ts readJson): checked by parseEvaluation(s) below, not by
 * parseWith. Only the mapped Warden input is ever stored, so that is what must be storable text
 * (toWarden); a NUL in a property Warden ignores is no reason to refuse.
 */
export const authzenBody = notStoredAsGiven(z.unknown());

const requiredString = z.string({ error: (iss) => (iss.input === undefined ? "is required" : "must be a string") });
const objectError = { error: (iss: { input?: unknown }) => (iss.input === undefined ? "is required" : "must be an object") };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
/** A JSON object kept as parsed (not copied, so a `__proto__` key stays an ordinary key). */
const jsonObject = z.custom<Record<string, unknown>>(isPlainObject, { error: "must be an object" });

export const subjectSchema = z.object({ type: requiredString, id: requiredString, properties: jsonObject.optional() }, objectError);
export const resourceSchema = z.object({ type: requiredString, id: requiredString, properties: jsonObject.optional() }, objectError);
export const authzenActionSchema = z.object({ name: requiredString, properties: jsonObject.optional() }, objectError);
export const contextSchema = jsonObject;

export type Subject = z.infer<typeof subjectSchema>;
export type Resource = z.infer<typeof resourceSchema>;
export type AuthzenAction = z.infer<typeof authzenActionSchema>;

/** Access Evaluation API request {#access-evaluation-request}. */
export const evaluationRequestSchema = z.object(
  { subject: subjectSchema, action: authzenActionSchema, resource: resourceSchema, context: contextSchema.optional() },
  { error: "the body must be a JSON object" },
);
export type EvaluationRequest = z.infer<typeof evaluationRequestSchema>;

const partialEvaluationSchema = z.object(
  { subject: subjectSchema.optional(), action: authzenActionSchema.optional(), resource: resourceSchema.optional(), context: contextSchema.optional() },
  { error: "must be an object" },
);

/** Access Evaluations API request {#access-evaluations-request}, defaults not yet applied. */
export const evaluationsRequestSchema = z
  .object(
    {
      subject: subjectSchema.optional(),
      action: authzenActionSchema.optional(),
      resource: resourceSchema.optional(),
      context: contextSchema.optional(),
      // Length first, so an oversize batch is refused before its items are looked at.
      evaluations: z
        .array(z.unknown(), { error: "must be an array" })
        .max(MAX_EVALUATIONS, `at most ${MAX_EVALUATIONS} evaluations per request`)
        .pipe(z.array(partialEvaluationSchema))
        .optional(),
      options: z
        .object(
          {
            evaluations_semantic: z
              .enum(EVALUATIONS_SEMANTICS, { error: `must be one of ${EVALUATIONS_SEMANTICS.join(", ")}` })
              .optional(),
          },
          { error: "must be an object" },
        )
        .optional(),
    },
    { error: "the body must be a JSON object" },
  )
  .superRefine((body, ctx) => {
    // "Because subject, action, and resource are required for a valid evaluation, any of these
    // keys omitted from an evaluation object MUST be provided as a top-level key." {#default-values}
    const keys = ["subject", "action", "resource"] as const;
    const items = body.evaluations ?? [];
    if (items.length === 0) {
      for (const k of keys) if (body[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required" });
      return;
    }
    items.forEach((e, i) => {
      for (const k of keys) {
        if (e[k] === undefined && body[k] === undefined) {
          ctx.addIssue({ code: "custom", path: ["evaluations", i, k], message: `is required (in the evaluation or as a top-level default)` });
        }
      }
    });
  });
export type EvaluationsRequest = z.infer<typeof evaluationsRequestSchema>;

/**
 * The evaluations of a batch with the top-level defaults applied: a key present in an
 * evaluation replaces the top-level one whole {#default-values}. An absent or empty
 * `evaluations` array yields the single top-level request.
 */
export function applyDefaults(body: EvaluationsRequest): Partial<EvaluationRequest>[] {
  const top = { subject: body.subject, action: body.action, resource: body.resource, context: body.context };
  const items = body.evaluations ?? [];
  if (items.length === 0) return [top];
  return items.map((e) => ({
    subject: e.subject ?? top.subject,
    action: e.action ?? top.action,
    resource: e.resource ?? top.resource,
    context: e.context ?? top.context,
  }));
}

// ---------------------------------------------------------------------------------------------
// AuthZEN -> Warden.

/** One evaluation ready for Warden: who it claims to be about, and the authorize input. */
export type WardenEvaluation = { subject: Subject; input: AuthorizeInput };

/** Where each `actionSchema` field came from in the AuthZEN request. */
const FIELD_PATHS: Record<string, (string | number)[]> = {
  connector: ["resource", "id"],
  tool: ["resource", "id"],
  operation: ["action", "name"],
  resource: ["resource", "properties", "resource"],
  sensitivity: ["resource", "properties", "sensitivity"],
  destination: ["resource", "properties", "destination"],
  arguments: ["context", "arguments"],
};

const sessionIdSchema = z.uuid({ error: (iss) => (iss.input === undefined ? "is required" : "must be a UUID (a Warden session id)") });

type Issue = { path: (string | number)[]; message: string };

/** Maps one complete AuthZEN evaluation onto Warden's authorize input, or lists what is wrong. */
export function toWarden(e: EvaluationRequest): { ok: true; value: WardenEvaluation } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  if (e.resource.type !== "tool") issues.push({ path: ["resource", "type"], message: 'must be "tool" (Warden decides tool calls)' });
  const sep = e.resource.id.indexOf(":");
  if (sep < 0) issues.push({ path: ["resource", "id"], message: 'must be "<connector>:<tool>"' });
  const context = e.context;
  if (context === undefined) issues.push({ path: ["context"], message: "is required (it carries sessionId)" });
  const sid = sessionIdSchema.safeParse(context?.sessionId);
  if (context !== undefined && !sid.success) issues.push({ path: ["context", "sessionId"], message: sid.error.issues[0].message });
  const props = e.resource.properties ?? {};
  const action = actionSchema.safeParse({
    connector: sep < 0 ? "" : e.resource.id.slice(0, sep),
    tool: sep < 0 ? "" : e.resource.id.slice(sep + 1),
    operation: e.action.name,
    resource: props.resource,
    sensitivity: props.sensitivity,
    destination: props.destination,
    arguments: context?.arguments,
  });
  if (!action.success) {
    for (const i of action.error.issues) {
      const field = String(i.path[0] ?? "");
      const path = FIELD_PATHS[field] ?? ["resource"];
      // A missing separator was already reported for resource.id.
      if (sep < 0 && (field === "connector" || field === "tool")) continue;
      // resource.id carries two names: say which part is wrong.
      const message = (field === "connector" || field === "tool") && !i.message.startsWith(field) ? `${field}: ${i.message}` : i.message;
      issues.push({ path, message });
    }
  }
  if (action.success) {
    // Text Postgres cannot store (lib/storable.ts), reported where it came from; arguments are digested.
    const bad = findUnstorable(action.data, ["arguments"]);
    if (bad) issues.push({ path: FIELD_PATHS[bad.path] ?? ["resource"], message: bad.message });
  }
  if (issues.length || !action.success || !sid.success) return { ok: false, issues };
  return { ok: true, value: { subject: e.subject, input: { sessionId: sid.data, action: action.data } } };
}

function fail(issues: Issue[]): never {
  const fields: FieldError[] = issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
  throw new DomainError("validation_failed", `${fields[0].path}: ${fields[0].message}`, fields);
}

function structural<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) fail(r.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })));
  return r.data;
}

/** Validates and maps an Access Evaluation request; throws a 400 naming the field. */
export function parseEvaluation(body: unknown): WardenEvaluation {
  const e = structural(evaluationRequestSchema, body);
  const r = toWarden(e);
  if (!r.ok) fail(r.issues);
  return r.value;
}

export type ParsedEvaluations =
  | { kind: "single"; evaluation: WardenEvaluation }
  | { kind: "batch"; semantic: EvaluationsSemantic; evaluations: WardenEvaluation[] };

/**
 * Validates and maps an Access Evaluations request. Every evaluation is checked before any is
 * run, so a bad item refuses the whole request (400) and nothing is half-decided.
 */
export function parseEvaluations(body: unknown): ParsedEvaluations {
  const b = structural(evaluationsRequestSchema, body);
  const merged = applyDefaults(b);
  const batch = (b.evaluations ?? []).length > 0;
  const issues: Issue[] = [];
  const out: WardenEvaluation[] = [];
  merged.forEach((m, i) => {
    const r = toWarden(m as EvaluationRequest);
    if (r.ok) out.push(r.value);
    else issues.push(...r.issues.map((x) => ({ path: batch ? ["evaluations", i, ...x.path] : x.path, message: x.message })));
  });
  if (issues.length) fail(issues);
  if (!batch) return { kind: "single", evaluation: out[0] };
  return { kind: "batch", semantic: b.options?.evaluations_semantic ?? "execute_all", evaluations: out };
}

// ---------------------------------------------------------------------------------------------
// Warden -> AuthZEN.

/** A Decision {#decision}: `decision` REQUIRED, `context` OPTIONAL. */
export type AuthzenDecision = { decision: boolean; context?: Record<string, unknown> };

/** The subject is the authenticated agent (by its workload identity or its name), or not. */
export function isCaller(subject: Subject, agent: Pick<AgentCaller, "identity" | "name">): boolean {
  return subject.type === "agent" && (subject.id === agent.identity || subject.id === agent.name);
}

const reasonAdmin = (reasons: Reason[]) => Object.fromEntries(reasons.map((r) => [r.code, r.message]));

const USER_TEXT = {
  deny: "Warden denied this action",
  escalate: "This action is waiting for a person's approval",
};

function falseWith(reasons: Reason[], user: string, extra: Record<string, unknown> = {}): AuthzenDecision {
  return { decision: false, context: { ...extra, reasons, reason_admin: reasonAdmin(reasons), reason_user: { "403": user } } };
}

/** Warden's answer as an AuthZEN Decision; `true` only for Warden's allow. */
export function fromWarden(r: AuthorizeResult): AuthzenDecision {
  const diff: { diff?: DiffEntry[] } = r.diff ? { diff: r.diff } : {};
  if (r.decision === "allow") return { decision: true, context: { decisionId: r.decisionId } };
  if (r.decision === "escalate" && r.escalationId) {
    return falseWith(r.reasons, USER_TEXT.escalate, { decisionId: r.decisionId, escalation: { id: r.escalationId, status: "pending" }, ...diff });
  }
  return falseWith(r.reasons, USER_TEXT.deny, { decisionId: r.decisionId, ...diff });
}

/** A subject other than the caller: refused without evaluating anything. */
export function notCallerDecision(subject: Subject): AuthzenDecision {
  const reason = { code: "subject.not_caller", message: `The subject ${JSON.stringify(`${subject.type}:${subject.id}`.slice(0, 200))} is not the authenticated agent; an agent can only ask about itself` };
  return falseWith([reason], USER_TEXT.deny);
}

/**
 * Warden cannot reach its database: nothing was decided or recorded. The body of the 503 the
 * AuthZEN endpoints answer then (README "When the database is unavailable"), and the answer to
 * each evaluation of a batch the outage cut short: `decision: false`, so a PEP reading only the
 * decision denies.
 */
export function unavailableDecision(): AuthzenDecision {
  const d = errorDecision(503, UNAVAILABLE_MESSAGE, [UNAVAILABLE_REASON]);
  return { decision: false, context: { ...d.context, reason_user: { "503": "Warden is unavailable; the action is not allowed" } } };
}

/** A per-evaluation error (Access Evaluations API "Errors"): closed, with the error in context. */
export function errorDecision(status: number, message: string, reasons: Reason[] = []): AuthzenDecision {
  return {
    decision: false,
    context: { error: { status, message }, ...(reasons.length ? { reasons, reason_admin: reasonAdmin(reasons) } : {}) },
  };
}
