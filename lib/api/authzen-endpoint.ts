import { publicBaseUrl, type HeaderSource } from "@/lib/domain/public-url";
import { DomainError, isDomainError, type ErrorCode } from "@/lib/errors";
import { evaluateMany, evaluateOne } from "@/lib/services/authzen/evaluate";
import { parseEvaluation, parseEvaluations, unavailableDecision } from "@/lib/services/authzen/map";
import { callingAgent, type Answer } from "./authorize-endpoint";
import { ERROR_STATUS, errorBody } from "./errors";
import type { RequestMeta } from "./meta";
import { refusedForOutage, unavailableHeaders } from "./unavailable";

export type AuthzenKind = "evaluation" | "evaluations";

/** The paths, as the spec names them and the metadata advertises them. */
export const AUTHZEN_PATHS = { evaluation: "/access/v1/evaluation", evaluations: "/access/v1/evaluations" } as const;

// One evaluation (arguments are digested, so 64 KiB is plenty), or a batch of up to 100.
export const AUTHZEN_MAX_BODY: Record<AuthzenKind, number> = { evaluation: 64 * 1024, evaluations: 1024 * 1024 };

/**
 * AuthZEN's status for an error: Warden's own (ERROR_STATUS), except that the spec's transport
 * says a request is a JSON object sent as application/json, and the certification scenario
 * (C-2-4-3) expects any other content type to be a 400 "Bad Request", not 415.
 */
export function authzenStatus(code: ErrorCode): number {
  return code === "unsupported_media_type" ? 400 : ERROR_STATUS[code];
}

/**
 * POST /access/v1/evaluation and /access/v1/evaluations, independent of the HTTP stack: the
 * node:http machine listener answers them in production (in the front on Postgres, so agent
 * AuthZEN never enters Next), the Next routes in `next dev`, both through this. The PEP is the
 * agent, by the machine API's bearer. `readBody(maxBytes)` reads and JSON-parses the body.
 *
 * Fails closed as answerAuthorize does: the database unreachable is a 503 whose body is itself
 * `decision: false` (README "When the database is unavailable"); a decision that cannot be
 * recorded is `decision: false` with `audit.unavailable` (evaluateOne). Every answer, errors
 * included, echoes X-Request-ID (spec "Request Identification").
 */
export async function answerAuthzen(kind: AuthzenKind, authorization: string | null, readBody: (maxBytes: number) => Promise<unknown>, meta: RequestMeta): Promise<Answer> {
  const headers: Record<string, string> = { "cache-control": "no-store", "x-request-id": meta.requestId };
  try {
    const { rt, agent } = await callingAgent(authorization, meta);
    const body = await readBody(AUTHZEN_MAX_BODY[kind]);
    // Parsed before the policy set is taken: a bad request is a 400 whatever else is wrong.
    const parsed = kind === "evaluation" ? parseEvaluation(body) : parseEvaluations(body);
    const e = rt.policies.current();
    const engine = e instanceof Promise ? await e : e;
    const deps = { db: rt.db, writer: rt.writer, facts: rt.facts, engine, agent, meta };
    const answer = "kind" in parsed ? await evaluateMany(deps, parsed) : await evaluateOne(deps, parsed);
    return { status: 200, body: answer, headers };
  } catch (err) {
    if (isDomainError(err)) {
      // RFC 6750 and the spec's "Sender Authentication Failure": a 401 names the scheme.
      if (err.code === "unauthenticated") headers["www-authenticate"] = 'Bearer realm="warden"';
      if (err.code === "payload_too_large") headers.connection = "close"; // do not read the rest
      return { status: authzenStatus(err.code), body: errorBody(err, meta.requestId), headers };
    }
    if (refusedForOutage(err)) return { status: 503, body: unavailableDecision(), headers: { ...headers, ...unavailableHeaders() } };
    // A bug: the cause to the log, a generic 500 to the caller.
    console.error(`[warden] request ${meta.requestId} failed:`, err);
    return { status: 500, body: errorBody(new DomainError("internal", "Internal error"), meta.requestId), headers };
  }
}

/**
 * GET /.well-known/authzen-configuration, AuthZEN 1.0 "Policy Decision Point Metadata": public.
 * `policy_decision_point` (REQUIRED) is the base URL clients reach Warden at (publicBaseUrl: the
 * configured public URL, else the proxy's X-Forwarded-* or Host, never 0.0.0.0); the endpoints
 * are absolute URLs under it. The search endpoints are omitted, since Warden has none yet:
 * "the absence of any of these parameters is sufficient for the PEP to determine that the PDP is
 * not capable", and parameters with no values (capabilities) MUST be omitted.
 */
export function answerMetadata(requestHeaders: HeaderSource, env: Readonly<Record<string, string | undefined>>, meta: RequestMeta): Answer {
  const base = publicBaseUrl(requestHeaders, env);
  return {
    status: 200,
    body: {
      policy_decision_point: base,
      access_evaluation_endpoint: `${base}${AUTHZEN_PATHS.evaluation}`,
      access_evaluations_endpoint: `${base}${AUTHZEN_PATHS.evaluations}`,
    },
    // Spec "Metadata Caching": ordinary HTTP caching; the document depends on these headers.
    headers: { "cache-control": "public, max-age=300", vary: "host, x-forwarded-host, x-forwarded-proto", "x-request-id": meta.requestId },
  };
}
