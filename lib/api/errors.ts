// One error envelope for every endpoint: { error: { code, message, requestId, fields? } }.
// The codes and the error class live in lib/errors.ts and know no HTTP; this file is the one
// place a code becomes a status. A deny is NOT an error (it is a 200 with decision: "deny").
import { DomainError, type ErrorCode } from "@/lib/errors";

export type { ErrorCode, FieldError } from "@/lib/errors";

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
  not_yet_checkpointed: 409,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  headers_too_large: 431,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  overloaded: 503,
  upstream_timeout: 504,
} as const satisfies Record<ErrorCode, number>;

export const statusOf = (err: DomainError): number => ERROR_STATUS[err.code];

export function errorBody(err: DomainError, requestId: string) {
  return { error: { code: err.code, message: err.message, requestId, ...(err.fields ? { fields: err.fields } : {}) } };
}
