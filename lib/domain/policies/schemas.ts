import { z } from "zod";
import { listQuery } from "@/lib/domain/list-query";

// The name is the policy's id inside Cedar decisions (reasons say `forbidden by policy "<name>"`),
// so it is a readable slug, fixed once created.
export const POLICY_NAME_RE = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const nameMsg = "use 2-63 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit";

/**
 * A Cedar namespace path (`Certification`, `Acme::Billing`). `Warden` is the agent schema; any
 * other must be declared by the active general schema (checked by the service, not here).
 */
export const NAMESPACE_RE = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*$/;
export const DEFAULT_NAMESPACE = "Warden";
const namespace = z.string().trim().max(200).regex(NAMESPACE_RE, "a Cedar namespace such as Certification or Acme::Billing");

/** Longest Cedar text one policy may hold (the request body limit is 64 KiB). */
export const MAX_CEDAR_CHARS = 32_000;

const cedar = z.string().max(MAX_CEDAR_CHARS, `at most ${MAX_CEDAR_CHARS} characters`).refine((s) => s.trim().length > 0, "write at least one Cedar statement");
const onForbid = z.enum(["deny", "escalate"]);
const comment = z.string().trim().max(1000);
const reason = z.string().trim().min(3, "give a reason (3+ characters)").max(1000);

export const policyCreateSchema = z.object({
  name: z.string().trim().regex(POLICY_NAME_RE, nameMsg),
  namespace: namespace.default(DEFAULT_NAMESPACE),
  description: z.string().trim().max(2000).default(""),
  cedar,
  onForbid: onForbid.default("deny"),
  comment: comment.default(""),
  enabled: z.boolean().default(true),
});

export const policyVersionSchema = z.object({
  cedar,
  onForbid: onForbid.default("deny"),
  comment: comment.default(""),
});

export const policyActivateSchema = z.object({
  version: z.number().int().min(1),
  reason,
});

export const policyReasonSchema = z.object({ reason });

export const policyValidateSchema = z.object({
  cedar: z.string().max(MAX_CEDAR_CHARS, `at most ${MAX_CEDAR_CHARS} characters`),
  namespace: namespace.default(DEFAULT_NAMESPACE),
});

const flag = z.enum(["true", "false"]).transform((v) => v === "true");

export const policyListSchema = listQuery.extend({
  enabled: flag.optional(),
  builtIn: flag.optional(),
  namespace: namespace.optional(),
  sort: z.enum(["name", "updatedAt"]).default("name"),
});

export type PolicyCreate = z.infer<typeof policyCreateSchema>;
export type PolicyVersionInput = z.infer<typeof policyVersionSchema>;
export type PolicyListQuery = z.infer<typeof policyListSchema>;
