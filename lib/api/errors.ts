// One error envelope for every endpoint: { error: { code, message, requestId, fields? } }.
// The list of codes is closed; a deny is NOT an error (it is a 200 with decision: "deny").
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type FieldError = { path: string; message: string };

export class ApiError extends Error {
  constructor(
    public code: ErrorCode,
    message: string,
    public fields?: FieldError[],
  ) {
    super(message);
  }
  get status() {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = "Resource") => new ApiError("not_found", `${what} not found`);
export const conflict = (message: string, path?: string) =>
  new ApiError("conflict", message, path ? [{ path, message }] : undefined);
export const invalid = (path: string, message: string) =>
  new ApiError("validation_failed", `${path}: ${message}`, [{ path, message }]);

export function errorBody(err: ApiError, requestId: string) {
  return { error: { code: err.code, message: err.message, requestId, ...(err.fields ? { fields: err.fields } : {}) } };
}

/** Postgres unique violation (23505) -> 409 naming the field; anything else is rethrown. */
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
