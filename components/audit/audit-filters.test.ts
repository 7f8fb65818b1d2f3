import { describe, expect, it } from "vitest";
import { fromLocalInput, toLocalInput } from "./audit-filters";

describe("local time fields", () => {
  it("round-trips an instant through the viewer's wall-clock time to the minute", () => {
    const iso = "2025-03-30T01:30:00.000Z";
    const local = toLocalInput(iso);
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput(local)).toBe(iso);
  });
  it("treats empty or broken values as no bound", () => {
    expect(toLocalInput(null)).toBe("");
    expect(toLocalInput("not a date")).toBe("");
    expect(fromLocalInput("")).toBeNull();
    expect(fromLocalInput("2025-13-45T99:99")).toBeNull();
  });
});
