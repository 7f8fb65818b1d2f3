// The intent the gateway declares for each session (design.md "intent"), checked before start.
// Same rules as lib/services/sessions/schemas.ts, without its path aliases so the gateway runs
// from any directory.
import { z } from "zod";
import { actionPatternError } from "../lib/policy/patterns";

const actionPattern = z.string().superRefine((v, ctx) => {
  const err = actionPatternError(v);
  if (err) ctx.addIssue({ code: "custom", message: err });
});

export const gatewayIntentSchema = z.object({
  goal: z.string().trim().min(1, "say what the task is").max(1000),
  actions: z.array(actionPattern).min(1, "declare at least one action").max(100),
  resources: z.array(z.string().min(1).max(300)).max(100).optional(),
  maxSensitivity: z.enum(["public", "internal", "confidential", "restricted"]),
  destinations: z.array(z.string().min(1).max(300)).max(50).optional(),
  ttlSeconds: z.number().int().min(10).max(7 * 24 * 3600),
});
