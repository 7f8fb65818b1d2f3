/**
 * OpenID AuthZEN Authorization API 1.0 request shapes: structure only, whoever answers them
 * (lib/services/authzen/map.ts maps them onto Warden's agent decisions). Spec text from
 * openid/authzen api/authorization-api-1_0.md at e287920; anchors below are the spec's.
 *   - Subject {#subject}, Resource {#resource}: REQUIRED `type`, `id` (strings); OPTIONAL
 *     `properties` (object). Action {#action}: REQUIRED `name`; OPTIONAL `properties`.
 *   - Access Evaluation request {#access-evaluation-request}: `subject`, `action`, `resource`
 *     REQUIRED; `context` OPTIONAL (an object).
 *   - Access Evaluations request {#access-evaluations-request}: OPTIONAL `evaluations`; the
 *     top-level `subject`, `action`, `resource`, `context` are defaults, and a key in an
 *     evaluation replaces the default whole {#default-values}. Absent or empty `evaluations`:
 *     the single Access Evaluation request.
 *   - Errors {#errors}: a fault of the whole payload is an HTTP error; a fault of one evaluation
 *     is that evaluation's `decision: false` with `context.error` (certification scenario C-3-4-1).
 *   - Unknown fields are ignored {#transport-https-json-serialization}: zod objects strip them.
 */
import { z } from "zod";
import { notStoredAsGiven } from "@/lib/domain/request";

/** Most evaluations one Access Evaluations request may carry. */
export const MAX_EVALUATIONS = 100;

export const EVALUATIONS_SEMANTICS = ["execute_all", "deny_on_first_deny", "permit_on_first_permit"] as const;
export type EvaluationsSemantic = (typeof EVALUATIONS_SEMANTICS)[number];

/**
 * The body as read: checked by the AuthZEN parsers, not by parseWith. Only what the mapping
 * keeps is ever stored, so that is what must be storable text; a NUL in a property nobody reads
 * is no reason to refuse.
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

/** One item of `evaluations`, or the top-level defaults: every key optional. */
export const partialEvaluationSchema = z.object(
  { subject: subjectSchema.optional(), action: authzenActionSchema.optional(), resource: resourceSchema.optional(), context: contextSchema.optional() },
  { error: "must be an object" },
);
export type PartialEvaluation = z.infer<typeof partialEvaluationSchema>;

const REQUIRED_KEYS = ["subject", "action", "resource"] as const;

/**
 * Access Evaluations API request {#access-evaluations-request}, as far as it concerns the whole
 * payload: an object, its top-level defaults well-formed, `evaluations` an array of at most
 * MAX_EVALUATIONS, a known semantic. The items themselves are checked one by one
 * (lib/services/authzen/map.ts parseEvaluations), so that one bad item fails only itself.
 */
export const evaluationsRequestSchema = z
  .object(
    {
      ...partialEvaluationSchema.shape,
      evaluations: z
        .array(z.unknown(), { error: "must be an array" })
        .max(MAX_EVALUATIONS, `at most ${MAX_EVALUATIONS} evaluations per request`)
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
    // Without evaluations this is the single request, so its keys are the payload's own.
    if ((body.evaluations ?? []).length > 0) return;
    for (const k of REQUIRED_KEYS) if (body[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required" });
  });
export type EvaluationsRequest = z.infer<typeof evaluationsRequestSchema>;

/**
 * One evaluation with the top-level defaults applied: a key present in the evaluation replaces
 * the top-level one whole {#default-values}, it is not deep-merged.
 */
export function withDefaults(top: PartialEvaluation, item: PartialEvaluation): PartialEvaluation {
  return {
    subject: item.subject ?? top.subject,
    action: item.action ?? top.action,
    resource: item.resource ?? top.resource,
    context: item.context ?? top.context,
  };
}

/** The required keys an evaluation still lacks after its defaults (spec: "MUST be provided as a top-level key"). */
export function missingKeys(e: PartialEvaluation): (typeof REQUIRED_KEYS)[number][] {
  return REQUIRED_KEYS.filter((k) => e[k] === undefined);
}
