// What a service needs to know about the request that caused it (for the audit row), and the one
// way a parsed input becomes a validation error. Both sit below lib/api so that services and
// lib/audit need not import the HTTP layer; lib/api/meta.ts and lib/api/body.ts re-export them.
import type { z } from "zod";
import { DomainError, type FieldError } from "@/lib/errors";

export type RequestMeta = { requestId: string; ip: string | null };

export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const fields: FieldError[] = result.error.issues.map((i) => ({
    path: i.path.map(String).join(".") || "(body)",
    message: i.message,
  }));
  const first = fields[0];
  throw new DomainError("validation_failed", `${first.path}: ${first.message}`, fields);
}
