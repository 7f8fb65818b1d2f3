// What a service needs to know about the request that caused it (for the audit row), and the one
// way a parsed input becomes a validation error. Both sit below lib/api so that services and
// lib/audit need not import the HTTP layer; lib/api/meta.ts and lib/api/body.ts re-export them.
import type { z } from "zod";
import { DomainError, type FieldError } from "@/lib/errors";
import { findUnstorable, type PathPattern } from "@/lib/storable";

export type RequestMeta = { requestId: string; ip: string | null };

// On the schema object itself, under a registered symbol: Next loads lib/ more than once, and a
// schema from one copy may reach another copy's parseWith.
const NOT_STORED = Symbol.for("warden.notStoredAsGiven");

/**
 * Declares the parts of what `schema` yields that are never stored as given, so parseWith's
 * storable-text guard does not refuse them: tool-call arguments (digested, only their shape
 * kept), OTLP spans (mapped and sanitised one by one). No paths: the whole value, for a caller
 * that maps it and checks what it keeps itself (the AuthZEN body, lib/domain/authzen/schemas.ts,
 * mapped by lib/services/authzen/map.ts).
 */
export function notStoredAsGiven<S extends z.ZodType>(schema: S, paths: PathPattern[] = []): S {
  Object.defineProperty(schema, NOT_STORED, { value: paths.length ? paths : null, enumerable: false });
  return schema;
}

/** The error for the first problem of a guard or a parse, every field listed. */
export function validationError(fields: FieldError[]): DomainError {
  const first = fields[0];
  return new DomainError("validation_failed", `${first.path}: ${first.message}`, fields);
}

/**
 * Every JSON body and query string is parsed here (lib/api/body.ts). Beyond the schema, nothing
 * it yields may hold text Postgres cannot store (NUL, lone surrogates; lib/storable.ts): refused
 * with a 400 naming the field, before anything is written, instead of a 500 from the write.
 */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw validationError(
      result.error.issues.map((i) => ({
        path: i.path.map(String).join(".") || "(body)",
        message: i.message,
      })),
    );
  }
  const skip = (schema as { [NOT_STORED]?: PathPattern[] | null })[NOT_STORED];
  if (skip !== null) {
    const bad = findUnstorable(result.data, skip);
    if (bad) throw validationError([bad]);
  }
  return result.data;
}
