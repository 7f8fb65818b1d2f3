import type { AgentCaller } from "../machine/authenticate";
import { authorize, type DecisionDeps } from "../decisions/authorize";
import { isDatabaseUnavailable } from "@/lib/db/faults";
import { errorDecision, fromWarden, isCaller, isFault, notCallerDecision, unavailableDecision, type AuthzenDecision, type EvaluationsSemantic, type ParsedEvaluations, type WardenEvaluation } from "./map";

export type EvaluateDeps = DecisionDeps & {
  agent: AgentCaller;
  meta: { requestId?: string; ip?: string | null };
};

/**
 * One AuthZEN evaluation through Warden's decision path (design.md "The decision path"). Every
 * evaluation that reaches `authorize` is a real decision with its audit event, committed before
 * this returns. A subject other than the caller is refused before anything is evaluated.
 */
export async function evaluateOne(deps: EvaluateDeps, e: WardenEvaluation): Promise<AuthzenDecision> {
  if (!isCaller(e.subject, deps.agent)) return notCallerDecision(e.subject);
  try {
    return fromWarden(await authorize(deps, deps.agent, e.input, deps.meta));
  } catch (err) {
    // Unknown or another agent's session: a per-evaluation error, closed (spec "Errors").
    if ((err as { code?: string }).code === "not_found") return errorDecision(404, "Session not found");
    // The database is unreachable: the route answers the 503 (lib/api/unavailable.ts), once.
    if (isDatabaseUnavailable(err)) throw err;
    // Fail closed: no decision could be recorded, so nothing is allowed.
    console.error(`[warden] authzen decision ${deps.meta.requestId} could not be recorded:`, err);
    return errorDecision(503, "The decision could not be recorded", [{ code: "audit.unavailable", message: "The decision could not be recorded" }]);
  }
}

/** Whether a short-circuit semantic stops after this decision {#evaluations-semantics}. */
export function stopsAfter(semantic: EvaluationsSemantic, d: AuthzenDecision): boolean {
  if (semantic === "deny_on_first_deny") return d.decision !== true; // `&&`: an error or false ends it
  if (semantic === "permit_on_first_permit") return d.decision === true; // `||`
  return false;
}

/**
 * Access Evaluations {#access-evaluations-api}. Evaluations run in request order, one after the
 * other (each sees the session counters the previous one left), and the answers keep that order.
 * With `deny_on_first_deny` / `permit_on_first_permit` the run stops at the first false / true:
 * the rest are not evaluated (no decision, no audit event) and, as in the spec's examples, are
 * simply absent from the `evaluations` array, which ends with the deciding answer. An absent or
 * empty `evaluations` array answers like the single Access Evaluation API. An item the parser
 * could not map is answered with its error (`decision: false`, context.error) without being
 * decided, and counts as a denial for the semantics (the spec's "any denial (error, or false)").
 */
export async function evaluateMany(deps: EvaluateDeps, parsed: ParsedEvaluations): Promise<AuthzenDecision | { evaluations: AuthzenDecision[] }> {
  if (parsed.kind === "single") return evaluateOne(deps, parsed.evaluation);
  const out: AuthzenDecision[] = [];
  for (const [i, e] of parsed.evaluations.entries()) {
    let d: AuthzenDecision;
    try {
      d = isFault(e) ? errorDecision(e.fault.status, e.fault.message) : await evaluateOne(deps, e);
    } catch (err) {
      // The database went away: before any decision, the whole request is the 503; after some,
      // those stand and this one and the rest answer unavailable without being tried (each would
      // wait on the same outage), so every evaluation still has its answer, in order.
      if (out.length === 0) throw err;
      out.push(...parsed.evaluations.slice(i).map(() => unavailableDecision()));
      break;
    }
    out.push(d);
    if (stopsAfter(parsed.semantic, d)) break;
  }
  // "it is RECOMMENDED that the `decision` key of the response be omitted" {#access-evaluations-response}
  return { evaluations: out };
}
