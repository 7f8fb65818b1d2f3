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
 *   a bad item of a batch   -> { decision: false, context: { error: { status: 400, message } } }, not run;
 *                              the same fault in a single request (or the whole payload) is the HTTP 400
 *   database unavailable    -> HTTP 503, Retry-After, { decision: false, context: { error: { status: 503, message },
 *                              reasons: [{ code: "warden.unavailable", … }], reason_admin, reason_user: { "503": … } } }
 *
 * `decision: true` is only ever Warden's allow. Names (connector, tool, operation) and the
 * property values are checked by Warden's own `actionSchema`; problems are reported under the
 * AuthZEN field that carried them (e.g. `resource.id`, `action.name`, `context.sessionId`).
 */
import { z } from "zod";
import { DomainError, type FieldError } from "@/lib/errors";
import {
  evaluationRequestSchema,
  evaluationsRequestSchema,
  missingKeys,
  partialEvaluationSchema,
  withDefaults,
  type EvaluationRequest,
  type EvaluationsSemantic,
  type Subject,
} from "@/lib/domain/authzen/schemas";
import { UNAVAILABLE_MESSAGE, UNAVAILABLE_REASON } from "@/lib/domain/unavailable";
import { findUnstorable } from "@/lib/storable";
import type { DiffEntry, Reason } from "@/lib/db/schema/decisions";
import type { AgentCaller } from "../machine/authenticate";
import type { AuthorizeResult } from "../decisions/authorize";
import { actionSchema, type AuthorizeInput } from "../decisions/schemas";

// The request shapes are lib/domain/authzen/schemas.ts; these are the ones callers of the
// mapping name.
export { authzenBody, MAX_EVALUATIONS, type EvaluationsSemantic } from "@/lib/domain/authzen/schemas";

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

/** An evaluation of a batch that cannot be evaluated: answered closed, with why, and not run. */
export type ItemFault = { fault: { status: number; message: string } };
export type BatchItem = WardenEvaluation | ItemFault;

export const isFault = (item: BatchItem): item is ItemFault => "fault" in item;

export type ParsedEvaluations =
  | { kind: "single"; evaluation: WardenEvaluation }
  | { kind: "batch"; semantic: EvaluationsSemantic; evaluations: BatchItem[] };

/**
 * Validates and maps an Access Evaluations request. A fault of the payload (not an object, a
 * malformed top-level default or `options`, `evaluations` not an array or too long, and, without
 * `evaluations`, anything the single request would refuse) throws the 400. A fault of one
 * evaluation (not an object, a key missing after the defaults, something Warden cannot evaluate)
 * is that item's fault, so the rest are still answered (spec "Errors", scenario C-3-4-1).
 */
export function parseEvaluations(body: unknown): ParsedEvaluations {
  const b = structural(evaluationsRequestSchema, body);
  const items = b.evaluations ?? [];
  if (items.length === 0) {
    const r = toWarden(b as EvaluationRequest); // the schema required the three keys then
    if (!r.ok) fail(r.issues);
    return { kind: "single", evaluation: r.value };
  }
  const top = { subject: b.subject, action: b.action, resource: b.resource, context: b.context };
  return { kind: "batch", semantic: b.options?.evaluations_semantic ?? "execute_all", evaluations: items.map((item) => parseItem(top, item)) };
}

function parseItem(top: z.infer<typeof partialEvaluationSchema>, item: unknown): BatchItem {
  const p = partialEvaluationSchema.safeParse(item);
  if (!p.success) return faultOf(p.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })));
  const merged = withDefaults(top, p.data);
  const missing = missingKeys(merged);
  if (missing.length) return faultOf(missing.map((k) => ({ path: [k], message: "is required (in the evaluation or as a top-level default)" })));
  const r = toWarden(merged as EvaluationRequest);
  return r.ok ? r.value : faultOf(r.issues);
}

/** The item's error: a 400, as the same evaluation sent alone would get; its first problem named. */
function faultOf(issues: Issue[]): ItemFault {
  const path = issues[0].path.map(String).join(".") || "(evaluation)";
  return { fault: { status: 400, message: `${path}: ${issues[0].message}` } };
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
