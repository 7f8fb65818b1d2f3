// Domain errors: what went wrong, in the closed list of codes the error envelope carries. They
// know no HTTP: lib/api/errors.ts maps each code to a status. Services, lib/reports and the data
// layer throw these; a deny is NOT an error (it is a decision with reasons).
export const ERROR_CODES = [
  "bad_request",
  "invalid_json",
  "validation_failed",
  "unauthenticated",
  "forbidden",
  "csrf_failed",
  "not_found",
  "method_not_allowed",
  "conflict",
  // an audit event not yet covered by a signed checkpoint (its proof comes within seconds)
  "not_yet_checkpointed",
  // the request (its headers, or its body) did not arrive within the server's time limits
  "request_timeout",
  "payload_too_large",
  "unsupported_media_type",
  "headers_too_large",
  "rate_limited",
  "internal",
  "unavailable",
  // the server is at its cap of open connections (WARDEN_MAX_CONNECTIONS): try again shortly
  "overloaded",
  // the app process behind the front did not start answering in time
  "upstream_timeout",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export type FieldError = { path: string; message: string };

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export class DomainError extends Error {
  constructor(
    public code: ErrorCode,
    message: string,
    public fields?: FieldError[],
  ) {
    super(message);
  }
}

/**
 * Duck-typed, not instanceof: the machine listener and Next's route bundles each load their own
 * copy of this module, so an error thrown in one copy is not an instance of the other's class.
 */
export function isDomainError(err: unknown): err is DomainError {
  const code = (err as { code?: unknown })?.code;
  return err instanceof Error && typeof code === "string" && CODES.has(code);
}

export const notFound = (what = "Resource") => new DomainError("not_found", `${what} not found`);
export const conflict = (message: string, path?: string) =>
  new DomainError("conflict", message, path ? [{ path, message }] : undefined);
export const invalid = (path: string, message: string) =>
  new DomainError("validation_failed", `${path}: ${message}`, [{ path, message }]);

/** Postgres unique violation (23505) -> a conflict naming the field; anything else is rethrown. */
export function mapDbError(err: unknown, uniqueFields: Record<string, string>): never {
  const e = (err as { cause?: unknown }).cause ?? err;
  const code = (e as { code?: string }).code;
  const constraint = (e as { constraint?: string }).constraint ?? "";
  const detail = String((e as { detail?: string; message?: string }).detail ?? (e as Error).message ?? "");
  if (code === "23505") {
    const key = Object.keys(uniqueFields).find((k) => constraint === k || detail.includes(k));
    const field = key ? uniqueFields[key] : "id";
    throw conflict(`A record with this ${field} already exists`, field);
  }
  throw err;
}
