import { z } from "zod";
import { actionPatternError } from "@/lib/policy/patterns";
import { SENSITIVITIES } from "@/lib/policy/sensitivity";
import { listQuery } from "@/lib/domain/list-query";

export const NAME_RE = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const nameMsg = "use 2-63 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit";

const actionPattern = z.string().superRefine((v, ctx) => {
  const err = actionPatternError(v);
  if (err) ctx.addIssue({ code: "custom", message: err });
});

export const envelopeSchema = z.object({
  actions: z.array(actionPattern).min(1, "declare at least one action pattern").max(200),
  resources: z.array(z.string().min(1).max(300)).max(200).optional(),
  maxSensitivity: z.enum(SENSITIVITIES),
  destinations: z.array(z.string().min(1).max(300)).max(100).optional(),
  maxTtlSeconds: z.number().int().min(60).max(7 * 24 * 3600),
});

const identity = z.string().trim().min(3).max(500);

export const agentCreateSchema = z
  .object({
    name: z.string().trim().regex(NAME_RE, nameMsg),
    identityKind: z.enum(["spiffe", "oidc", "key"]),
    identity: identity.optional(),
    team: z.string().trim().min(1, "required").max(100),
    ownerId: z.uuid().nullable().optional(),
    purpose: z.string().trim().max(2000).default(""),
    riskTier: z.enum(["low", "medium", "high"]),
    envelope: envelopeSchema,
    labels: z.record(z.string().max(100), z.string().max(300)).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.identityKind === "spiffe") {
      if (!v.identity || !/^spiffe:\/\/[a-z0-9.-]+(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$/.test(v.identity)) {
        ctx.addIssue({ code: "custom", path: ["identity"], message: "a SPIFFE ID looks like spiffe://trust-domain/path" });
      }
    } else if (v.identityKind === "oidc" && !v.identity) {
      ctx.addIssue({ code: "custom", path: ["identity"], message: "the OIDC subject (sub claim) is required" });
    }
  });

export const agentUpdateSchema = z.object({
  name: z.string().trim().regex(NAME_RE, nameMsg).optional(),
  team: z.string().trim().min(1, "required").max(100).optional(),
  ownerId: z.uuid().nullable().optional(),
  purpose: z.string().trim().max(2000).optional(),
  riskTier: z.enum(["low", "medium", "high"]).optional(),
  envelope: envelopeSchema.optional(),
  labels: z.record(z.string().max(100), z.string().max(300)).optional(),
});

export const reasonSchema = z.object({ reason: z.string().trim().min(3, "give a reason (3+ characters)").max(1000) });

export const agentStatusSchema = reasonSchema.extend({ status: z.enum(["active", "quarantined", "retired"]) });

export const issueKeySchema = z.object({
  name: z.string().trim().min(1).max(100).default("bootstrap key"),
  expiresInDays: z.number().int().min(1).max(365).nullable().default(90),
});

export const agentListSchema = listQuery.extend({
  status: z.enum(["active", "quarantined", "retired"]).optional(),
  riskTier: z.enum(["low", "medium", "high"]).optional(),
  team: z.string().trim().max(100).optional(),
  ownerId: z.uuid().optional(),
  sort: z.enum(["name", "team", "riskTier", "status", "createdAt", "lastSeenAt"]).default("name"),
});

export type AgentCreate = z.infer<typeof agentCreateSchema>;
export type AgentUpdate = z.infer<typeof agentUpdateSchema>;
export type AgentListQuery = z.infer<typeof agentListSchema>;
