import { z } from "zod";

export const MAX_ACTIVE_TOKENS = 20;

export const tokenCreateSchema = z.object({
  name: z.string().trim().min(1, "required").max(100),
  // null = never expires (still revocable, and dead as soon as its person is disabled).
  expiresInDays: z.number().int().min(1, "1 to 365 days, or null for no expiry").max(365, "1 to 365 days, or null for no expiry").nullable().default(90),
});

export const tokenRevokeSchema = z.object({ reason: z.string().trim().min(3, "give a reason (3+ characters)").max(1000) });

export type TokenCreate = z.infer<typeof tokenCreateSchema>;
