import { z } from "zod";

const reason = z.string().trim().min(3, "Say why, in a few words (at least 3 characters)").max(2000);

export const approveSchema = z.object({
  reason,
  scope: z.enum(["once", "session", "amend_intent"]).optional(),
  // Only for high-risk escalations; never logged or stored.
  password: z.string().max(1024).optional(),
});

export const denySchema = z.object({ reason });
