import { describe, expect, it } from "vitest";
import { findUnstorable } from "@/lib/storable";
import { argumentsDigest, redactedPreview } from "./arguments";

describe("tool-call arguments", () => {
  it("digests canonically: key order does not matter, values do", () => {
    expect(argumentsDigest({ a: 1, b: [1, 2] })).toBe(argumentsDigest({ b: [1, 2], a: 1 }));
    expect(argumentsDigest({ a: 1 })).not.toBe(argumentsDigest({ a: 2 }));
    expect(argumentsDigest(undefined)).toBeNull();
  });

  it("previews the shape and never a value", () => {
    const secret = "sk-live-1234567890";
    const p = redactedPreview({ query: "select * from customers", token: secret, limit: 10, nested: { ids: [1, 2, 3] } });
    expect(p).toEqual({ query: "<string:23>", token: `<string:${secret.length}>`, limit: "<number>", nested: { ids: "<array:3>" } });
    expect(JSON.stringify(p)).not.toContain("sk-live");
  });

  it("bounds depth and width", () => {
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    expect(JSON.stringify(redactedPreview(deep))).toContain("<object>");
    const wide = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(redactedPreview(wide) as object)).toHaveLength(51);
  });

  it("keeps keys Postgres can store: NUL and lone surrogates, sent or left by the cut, become U+FFFD", () => {
    const long = `${"k".repeat(99)}😀`; // the cut at 100 splits the emoji
    const p = redactedPreview({ ["a\u0000"]: 1, ["b\ud800"]: 2, [long]: 3 }) as Record<string, unknown>;
    expect(Object.keys(p)).toEqual(["a\ufffd", "b\ufffd", `${"k".repeat(99)}\ufffd`]);
    expect(findUnstorable(p)).toBeNull();
  });
});
