// The contract for "Warden cannot decide or record now" (README "When the database is
// unavailable"): HTTP 503, Retry-After, and on the decision endpoints a body that is itself a
// deny. Shared by the HTTP layer (lib/api/unavailable.ts) and the AuthZEN mapping.

/** What Retry-After says while the database is unavailable: short, so agents resume soon after. */
export const RETRY_AFTER_SECONDS = 2;

/** The reason a decision endpoint gives when it could neither decide nor record. */
export const UNAVAILABLE_REASON = {
  code: "warden.unavailable",
  message: "Warden cannot reach its database, so nothing was decided or recorded; this is a deny: ask again after Retry-After",
} as const;

/** The error envelope's message for every other endpoint. */
export const UNAVAILABLE_MESSAGE = "Warden cannot reach its database; nothing was done. Try again after Retry-After";
