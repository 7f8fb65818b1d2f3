import { z } from "zod";
import { actionPatternError } from "@/lib/policy/patterns";
import { SENSITIVITIES } from "@/lib/policy/sensitivity";

const actionPattern = z.string().superRefine((v, ctx) => {
  const err = actionPatternError(v);
  if (err) ctx.addIssue({ code: "custom", message: err });
});

export const MAX_SESSION_TTL = 7 * 24 * 3600;

/** design.md "intent": what the agent says it is doing in this session. */
export const intentSchema = z.object({
  goal: z.string().trim().min(1, "say what the task is").max(1000),
  actions: z.array(actionPattern).min(1, "declare at least one action").max(100),
  resources: z.array(z.string().min(1).max(300)).max(100).optional(),
  maxSensitivity: z.enum(SENSITIVITIES),
  destinations: z.array(z.string().min(1).max(300)).max(50).optional(),
  ttlSeconds: z.number().int().min(10).max(MAX_SESSION_TTL),
});

export const openSessionSchema = z.object({
  intent: intentSchema,
  parentSessionId: z.uuid().optional(),
});

export type OpenSession = z.infer<typeof openSessionSchema>;
