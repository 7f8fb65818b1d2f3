// How the HTTP layer answers while the database cannot be reached (README "When the database is
// unavailable"): 503 with Retry-After, never a 500 and never an allow; each refusal is counted
// by the runtime's DatabaseAvailability, which logs the outage once instead of a stack per request.
import { describeDatabaseFault, isDatabaseUnavailable } from "@/lib/db/faults";
import { RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, UNAVAILABLE_REASON } from "@/lib/domain/unavailable";
import { DomainError } from "@/lib/errors";
import { currentRuntime } from "@/lib/runtime";
import { errorBody } from "./errors";

export { RETRY_AFTER_SECONDS, UNAVAILABLE_REASON } from "@/lib/domain/unavailable";

/**
 * True when `err` is the database being unreachable (lib/db/faults.ts), having counted the
 * refusal; false for anything else (a bug, which its handler logs with its stack).
 */
export function refusedForOutage(err: unknown): boolean {
  if (!isDatabaseUnavailable(err)) return false;
  const rt = currentRuntime();
  // No runtime yet (the first request could not even open the database): nothing to count on.
  if (rt) rt.availability.refused(err);
  else console.error(`[warden] database unreachable (${describeDatabaseFault(err)})`);
  return true;
}

export const unavailableHeaders = (): Record<string, string> => ({ "retry-after": String(RETRY_AFTER_SECONDS), "cache-control": "no-store" });

export const unavailableError = () => new DomainError("unavailable", UNAVAILABLE_MESSAGE);

/**
 * POST /api/v1/authorize in an outage: a deny a client reading only `decision` cannot mistake,
 * and the error envelope a client reading the status finds where it always is.
 */
export function unavailableDecision(requestId: string) {
  return { decision: "deny" as const, reasons: [UNAVAILABLE_REASON], decisionId: null, ...errorBody(unavailableError(), requestId) };
}
