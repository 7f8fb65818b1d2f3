import { z } from "zod";

/** Longest general schema document; a schema holds every general namespace, so it gets more room than one policy. */
export const MAX_SCHEMA_CHARS = 100_000;
/** The request body limit for POST /api/v1/authz/schema: the text JSON-escaped, plus the other fields. */
export const SCHEMA_MAX_BODY = 256 * 1024;

const reason = z.string().trim().min(3, "give a reason (3+ characters)").max(1000);

/**
 * A new version of the general schema. `activate` puts it in force in the same transaction (and
 * then needs a reason for the audit trail); if activation is refused, the version is not kept
 * either. An empty document is allowed: it removes every general namespace, which activation
 * refuses while any of them still holds policies.
 */
export const schemaVersionCreateSchema = z
  .object({
    cedar: z.string().max(MAX_SCHEMA_CHARS, `at most ${MAX_SCHEMA_CHARS} characters`),
    comment: z.string().trim().max(1000).default(""),
    activate: z.boolean().default(false),
    reason: z.string().trim().max(1000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.activate && (v.reason ?? "").length < 3) ctx.addIssue({ code: "custom", path: ["reason"], message: "give a reason (3+ characters) to activate" });
  });

export const schemaValidateSchema = z.object({ cedar: z.string().max(MAX_SCHEMA_CHARS, `at most ${MAX_SCHEMA_CHARS} characters`) });

export const schemaActivateSchema = z.object({ reason });

export type SchemaVersionCreate = z.infer<typeof schemaVersionCreateSchema>;
