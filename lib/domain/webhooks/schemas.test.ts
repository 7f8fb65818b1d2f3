import { describe, expect, it } from "vitest";
import { webhookCreateSchema, webhookUpdateSchema } from "@/lib/domain/webhooks/schemas";

const parse = (url: string) => webhookCreateSchema.safeParse({ name: "x", url });

describe("webhook schemas", () => {
  it("accepts http and https URLs", () => {
    expect(parse("https://hooks.slack.com/services/T0/B0/abc").success).toBe(true);
    expect(parse("http://127.0.0.1:8080/hook?x=1").success).toBe(true);
  });

  it("refuses other schemes, credentials and fragments with a message that says why", () => {
    const msg = (url: string) => {
      const r = parse(url);
      expect(r.success, url).toBe(false);
      return r.error!.issues[0].message;
    };
    expect(msg("ftp://example.com/x")).toMatch(/only http and https/);
    expect(msg("javascript:alert(1)")).toMatch(/only http and https/);
    expect(msg("file:///etc/passwd")).toMatch(/only http and https/);
    expect(msg("https://user:pw@example.com/")).toMatch(/credentials/);
    expect(msg("https://example.com/#x")).toMatch(/fragment/);
    expect(msg("example.com/hook")).toMatch(/not a valid URL/);
  });

  it("blank team means every team; minRisk is one of the tiers", () => {
    expect(webhookCreateSchema.parse({ name: " n ", url: "https://e.com", team: "  " })).toEqual({ name: "n", url: "https://e.com", team: null, minRisk: null });
    expect(webhookCreateSchema.safeParse({ name: "n", url: "https://e.com", minRisk: "critical" }).success).toBe(false);
  });

  it("an update must change something", () => {
    expect(webhookUpdateSchema.safeParse({}).success).toBe(false);
    expect(webhookUpdateSchema.safeParse({ reason: "why" }).success).toBe(false);
    expect(webhookUpdateSchema.parse({ enabled: false, reason: "moved" })).toEqual({ enabled: false, reason: "moved" });
  });
});
