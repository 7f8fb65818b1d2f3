import { describe, expect, it } from "vitest";
import { DEFAULT_IDENTITY_HYGIENE, identityHygieneFromEnv } from "./identity-hygiene";

describe("identity hygiene settings", () => {
  it("defaults to 30 days dormant and 90 days per key", () => {
    expect(identityHygieneFromEnv({})).toEqual(DEFAULT_IDENTITY_HYGIENE);
    expect(identityHygieneFromEnv({ WARDEN_DORMANT_DAYS: " ", WARDEN_KEY_MAX_AGE_DAYS: "" })).toEqual({ dormantDays: 30, keyMaxAgeDays: 90 });
  });

  it("takes whole numbers of days", () => {
    expect(identityHygieneFromEnv({ WARDEN_DORMANT_DAYS: "14", WARDEN_KEY_MAX_AGE_DAYS: "365" })).toEqual({ dormantDays: 14, keyMaxAgeDays: 365 });
  });

  it("refuses anything else, naming the variable", () => {
    for (const bad of ["0", "-3", "1.5", "thirty", "1e9", "Infinity"]) {
      expect(() => identityHygieneFromEnv({ WARDEN_DORMANT_DAYS: bad })).toThrow(/^WARDEN_DORMANT_DAYS must be a whole number of days/);
    }
    expect(() => identityHygieneFromEnv({ WARDEN_KEY_MAX_AGE_DAYS: "90d" })).toThrow(/WARDEN_KEY_MAX_AGE_DAYS .*\(got "90d"\)/);
  });
});
