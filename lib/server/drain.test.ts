import { describe, expect, it } from "vitest";
import { drainMsFromEnv } from "./lifecycle";

describe("WARDEN_DRAIN_SECONDS", () => {
  it("is off unless set, and takes seconds with fractions", () => {
    expect(drainMsFromEnv({})).toBe(0);
    expect(drainMsFromEnv({ WARDEN_DRAIN_SECONDS: " " })).toBe(0);
    expect(drainMsFromEnv({ WARDEN_DRAIN_SECONDS: "0" })).toBe(0);
    expect(drainMsFromEnv({ WARDEN_DRAIN_SECONDS: "0.5" })).toBe(500);
    expect(drainMsFromEnv({ WARDEN_DRAIN_SECONDS: "300" })).toBe(300_000);
  });

  it("refuses what is not a number of seconds from 0 to 300, naming the variable", () => {
    for (const bad of ["-1", "301", "soon", "Infinity", "1e9"]) {
      expect(() => drainMsFromEnv({ WARDEN_DRAIN_SECONDS: bad })).toThrow(/WARDEN_DRAIN_SECONDS must be a number of seconds from 0 to 300/);
    }
  });
});
