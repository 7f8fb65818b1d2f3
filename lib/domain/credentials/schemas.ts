import { z } from "zod";
import { dateRange, listQuery } from "@/lib/domain/list-query";
import type { credentialKindEnum } from "@/lib/db/schema/enums";
import { actionPatternError } from "@/lib/policy/patterns";
import { reasonSchema } from "@/lib/domain/agents/schemas";
import { BULK_REVOKE_MAX, CREDENTIAL_KINDS, CREDENTIAL_STATUSES, STANDING_KINDS } from "@/lib/domain/credentials/constants";

// Compile-time guard: the option list must stay equal to the database enum.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _kinds: Same<(typeof CREDENTIAL_KINDS)[number], (typeof credentialKindEnum.enumValues)[number]> = true;
void _kinds;

const actionPattern = z.string().superRefine((v, ctx) => {
  const err = actionPatternError(v);
  if (err) ctx.addIssue({ code: "custom", message: err });
});

const date = z.coerce.date({ error: "enter a date and time" });

/**
 * A standing secret an agent holds elsewhere (a GitHub PAT in its environment, a cloud key),
 * recorded so the inventory is complete. Warden never sees the secret: at most a short display
 * prefix to recognise it by.
 */
export const credentialRecordSchema = z
  .object({
    kind: z.enum(STANDING_KINDS),
    name: z.string().trim().min(1, "required").max(200),
    agentId: z.uuid("choose an agent"),
    connectorId: z.uuid().nullable().optional(),
    prefix: z
      .string()
      .trim()
      .max(12, "the first few characters only (at most 12), never the whole secret")
      .transform((v) => (v === "" ? null : v))
      .nullable()
      .optional(),
    scope: z
      .object({
        operations: z.array(actionPattern).max(200).default([]),
        resources: z.array(z.string().trim().min(1).max(300)).max(200).default([]),
      })
      .default({ operations: [], resources: [] }),
    issuedAt: date.nullable().optional(),
    expiresAt: date.nullable().optional(),
  })
  .superRefine((v, ctx) => {
    const issued = v.issuedAt ?? new Date();
    if (v.issuedAt && v.issuedAt.getTime() > Date.now() + 5 * 60_000) {
      ctx.addIssue({ code: "custom", path: ["issuedAt"], message: "cannot be in the future" });
    }
    if (v.expiresAt && v.expiresAt.getTime() <= issued.getTime()) {
      ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "must be after the issue date" });
    }
  });

// Ids that are not UUIDs are treated like unknown ones (404), the same as in a path.
export const bulkRevokeSchema = reasonSchema.extend({
  ids: z
    .array(z.string().trim().max(100))
    .min(1, "select at least one credential")
    .max(BULK_REVOKE_MAX, `at most ${BULK_REVOKE_MAX} credentials per request`),
});

const bool = z.enum(["true", "false"]);

export const credentialListSchema = listQuery.extend({
  kind: z.enum(CREDENTIAL_KINDS).optional(),
  status: z.enum(CREDENTIAL_STATUSES).optional(),
  jit: bool.optional(),
  agentId: z.uuid().optional(),
  connectorId: z.uuid().optional(),
  // [from, to) on the issue time, or on the revocation time with timeField=revokedAt.
  ...dateRange,
  timeField: z.enum(["issuedAt", "revokedAt"]).default("issuedAt"),
  sort: z.enum(["issuedAt", "expiresAt", "lastUsedAt", "name"]).default("issuedAt"),
  // Newest first unless asked otherwise.
  dir: z.enum(["asc", "desc"]).default("desc"),
});

export type CredentialRecord = z.infer<typeof credentialRecordSchema>;
export type BulkRevoke = z.infer<typeof bulkRevokeSchema>;
export type CredentialListQuery = z.infer<typeof credentialListSchema>;
