import { describe, expect, it } from "vitest";
import { uuidv7 } from "./uuidv7";

describe("uuidv7", () => {
  it("is an RFC 9562 version 7 UUID carrying the time in its first 48 bits", () => {
    const at = Date.UTC(2026, 10, 26, 3, 0, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
  });

  it("sorts by time across milliseconds and stays unique within one", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(1_800_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 100; i < ids.length; i += 100) expect(ids[i - 1] < ids[i]).toBe(true);
    // The random part differs within a millisecond (pool bytes are not reused).
    expect(new Set(ids.slice(0, 100).map((x) => x.slice(19))).size).toBe(100);
  });
});
