import { z } from "zod";
import type { riskTierEnum } from "@/lib/db/schema/enums";
import { RISKS } from "@/lib/domain/webhooks/constants";

// Compile-time guard: the option list must stay equal to the database enum (and its order).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _risks: Same<(typeof RISKS)[number], (typeof riskTierEnum.enumValues)[number]> = true;
void _risks;

/**
 * Where notifications go: http or https only (no file:, javascript:, ftp: ...), and no
 * user:password@ in it, since URLs are shown in the admin list and end up in logs.
 */
export const webhookUrl = z
  .string()
  .trim()
  .min(1, "required")
  .max(2000)
  .superRefine((v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({ code: "custom", message: "not a valid URL: give a full http(s) URL such as https://hooks.example.com/warden" });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: `only http and https URLs are allowed, not ${url.protocol.replace(/:$/, "").slice(0, 20)}` });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "credentials in the URL are not allowed: verify requests with the signing secret instead" });
    } else if (url.hash) {
      ctx.addIssue({ code: "custom", message: "a fragment (#...) is never sent to the server: remove it" });
    }
  });

const name = z.string().trim().min(1, "required").max(100);
// Blank means every team.
const team = z
  .string()
  .trim()
  .max(100)
  .transform((v) => (v === "" ? null : v))
  .nullable();
const minRisk = z.enum(RISKS, { error: `choose one of ${RISKS.join(", ")}` }).nullable();

export const webhookCreateSchema = z.object({
  name,
  url: webhookUrl,
  team: team.optional().transform((v) => v ?? null),
  minRisk: minRisk.optional().transform((v) => v ?? null),
});

// Disabling is the destructive change (notifications stop): it needs a reason for the audit trail.
export const webhookUpdateSchema = z
  .object({
    name: name.optional(),
    url: webhookUrl.optional(),
    team: team.optional(),
    minRisk: minRisk.optional(),
    enabled: z.boolean().optional(),
    reason: z.string().trim().max(1000).optional(),
  })
  .refine((v) => [v.name, v.url, v.team, v.minRisk, v.enabled].some((x) => x !== undefined), {
    message: "change at least one field",
    path: ["(body)"],
  });

export type WebhookCreate = z.infer<typeof webhookCreateSchema>;
export type WebhookUpdate = z.infer<typeof webhookUpdateSchema>;
