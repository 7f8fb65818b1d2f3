import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache";

describe("TtlCache", () => {
  it("forgets entries after the ttl and evicts the oldest beyond max", () => {
    const c = new TtlCache<number>(100, 2);
    c.set("a", 1, 0);
    expect(c.get("a", 50)).toBe(1);
    expect(c.get("a", 101)).toBeUndefined();
    c.set("a", 1, 200);
    c.set("b", 2, 200);
    c.set("c", 3, 200);
    expect(c.get("a", 201)).toBeUndefined();
    expect(c.get("b", 201)).toBe(2);
    expect(c.get("c", 201)).toBe(3);
  });
});
