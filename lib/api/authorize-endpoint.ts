import { getRuntime } from "@/lib/runtime";
import { authorize } from "@/lib/services/decisions/authorize";
import type { AuthorizeInput } from "@/lib/services/decisions/schemas";
import { DomainError as ApiError } from "@/lib/errors";
import { ERROR_STATUS, errorBody } from "./errors";
import { refusedForOutage, unavailableDecision, unavailableHeaders } from "./unavailable";
import type { RequestMeta } from "./meta";

// Bodies hold one tool call; arguments are digested, so 64 KiB is plenty.
export const AUTHORIZE_MAX_BODY = 64 * 1024;

export type Answer = { status: number; body: unknown; headers: Record<string, string> };

/**
 * The runtime and the agent a machine-API request comes from (authorize and AuthZEN). Each
 * `x instanceof Promise ? await x : x` takes the in-memory answer when there is one: every await
 * is a suspension (and, with Next's async hooks in `next dev`, hook calls) on the path every tool
 * call takes. A recent authentication is reused: the decision's commit re-checks credential and agent.
 */
export async function callingAgent(authorization: string | null, meta: RequestMeta) {
  const r = getRuntime();
  const rt = r instanceof Promise ? await r : r;
  const a = rt.agentAuth.authenticate(authorization, meta.ip);
  const agent = a instanceof Promise ? await a : a;
  if (!("id" in agent)) throw new ApiError("unauthenticated", "Agent credentials were not accepted");
  return { rt, agent };
}

/**
 * POST /api/v1/authorize, independent of the HTTP stack: the Next route (dev server) and the
 * node:http machine listener (production, lib/api/machine-listener.ts) both answer through it,
 * so the two can never disagree. Agent first, then the body; a deny is a 200. While the database
 * cannot be reached the answer is a 503 whose body is a deny (warden.unavailable), never a 500.
 */
export async function answerAuthorize(authorization: string | null, readInput: () => Promise<AuthorizeInput>, meta: RequestMeta): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = { "cache-control": "no-store", "x-request-id": meta.requestId };
  try {
    const { rt, agent } = await callingAgent(authorization, meta);
    const input = await readInput();
    const e = rt.policies.current();
    const engine = e instanceof Promise ? await e : e;
    try {
      const body = await authorize({ db: rt.db, writer: rt.writer, facts: rt.facts, engine }, agent, input, meta);
      // W3C Server Timing: this server's share of the call (body read, decision, durable
      // commit), so a caller or a load test can tell it from the network and its own side.
      headers["server-timing"] = `decision;dur=${(performance.now() - started).toFixed(2)}`;
      return { status: 200, body, headers };
    } catch (err) {
      if (isApiError(err)) throw err; // e.g. an unknown session: 404, nothing was decided
      if (refusedForOutage(err)) return unavailable(meta, headers);
      // Fail closed: no decision could be recorded, so nothing is allowed. Not an outage, so a
      // bug or a refused write: its cause goes to the log.
      console.error(`[warden] decision ${meta.requestId} could not be recorded:`, err);
      return { status: 200, body: { decision: "deny", reasons: [{ code: "audit.unavailable", message: "The decision could not be recorded" }], decisionId: null }, headers };
    }
  } catch (err) {
    if (!isApiError(err)) {
      // The database unreachable before anything was decided (the agent's key, the policy set).
      if (refusedForOutage(err)) return unavailable(meta, headers);
      console.error(`[warden] request ${meta.requestId} failed:`, err);
      return { status: 500, body: errorBody(new ApiError("internal", "Internal error"), meta.requestId), headers };
    }
    // RFC 6750: a refused bearer credential names the scheme.
    if (err.code === "unauthenticated") headers["www-authenticate"] = 'Bearer realm="warden"';
    if (err.code === "payload_too_large") headers.connection = "close"; // do not read the rest
    return { status: ERROR_STATUS[err.code], body: errorBody(err, meta.requestId), headers };
  }
}

/**
 * The database cannot be reached: 503 with Retry-After and a body that is itself a deny
 * (README "When the database is unavailable"). Nothing was decided or recorded; the refusal is
 * counted and the outage logged once (lib/db/availability.ts), not a stack per request.
 */
function unavailable(meta: RequestMeta, headers: Record<string, string>): Answer {
  return { status: 503, body: unavailableDecision(meta.requestId), headers: { ...headers, ...unavailableHeaders() } };
}

// Duck-typed: the listener and Next's route bundles each load their own copy of the class.
function isApiError(err: unknown): err is ApiError {
  const code = (err as { code?: unknown })?.code;
  return err instanceof Error && typeof code === "string" && code in ERROR_STATUS;
}
