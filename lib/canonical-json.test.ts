import { describe, expect, it } from "vitest";
import { canonicalJson, jsonString } from "./canonical-json";

// The form every audit hash and policy digest already written was computed with: the faster
// code must give the same bytes for anything, awkward text included.
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(",")}}`;
}

const AWKWARD = ["", "plain", 'a"b', "a\\b", "\u0000", "\u001f", "\u007f", "tab\there", "line\nbreak", "\u2028\u2029", "ü€", "😀", "\ud800", "x\udfffy", "\ud83d\ude00\ud83d", "</script>", "'"];

describe("canonicalJson", () => {
  it("quotes text exactly as JSON.stringify does", () => {
    for (const s of AWKWARD) expect(jsonString(s)).toBe(JSON.stringify(s));
    for (let c = 0; c < 0x10000; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      if (jsonString(s) !== JSON.stringify(s)) expect.fail(`U+${c.toString(16)} is quoted differently`);
    }
  });

  it("gives the reference form's bytes for awkward values", () => {
    const sparse = [1, , 3];
    const values: unknown[] = [
      null, undefined, 0, -0, 1.5, 1e21, NaN, Infinity, true, false, ...AWKWARD, new Date(Date.UTC(2026, 0, 1)),
      { b: 1, a: { d: [1, 2, undefined, null], c: "x" }, u: undefined },
      Object.fromEntries(AWKWARD.map((k, i) => [k, AWKWARD[(i + 3) % AWKWARD.length]])),
      { "10": 1, "9": 2, a: 3, A: 4, "": 5, é: 6 },
      sparse,
      [[[]], {}, [{}], { x: [] }],
    ];
    for (const v of values) expect(canonicalJson(v)).toBe(reference(v));
  });

  it("ignores key order", () => {
    expect(canonicalJson({ b: 1, a: { y: 2, x: 1 } })).toBe(canonicalJson({ a: { x: 1, y: 2 }, b: 1 }));
  });
});
