import { describe, expect, it } from "vitest";
import { uuidv7 } from "./db/uuidv7";
import { shortId } from "./utils";

describe("shortId", () => {
  it("tells apart time-ordered ids made in the same minute", () => {
    const a = uuidv7(1_764_000_000_000);
    const b = uuidv7(1_764_000_000_500);
    expect(a.slice(0, 8)).toBe(b.slice(0, 8)); // what the table used to show for both
    expect(shortId(a)).not.toBe(shortId(b));
    expect(shortId(a)).toBe(`…${a.slice(-8)}`);
    expect(a).toContain(shortId(a).slice(1));
  });

  it("keeps the first eight digits of other ids", () => {
    expect(shortId("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")).toBe("3f2a9c1e");
    expect(shortId("github")).toBe("github");
  });
});
