import { describe, expect, it } from "vitest";
import { z } from "zod";
import { notStoredAsGiven, parseWith } from "@/lib/domain/request";
import { findUnstorable, toStorable, unstorableReason } from "./storable";

const HIGH = "\ud83d"; // the first half of 😀 on its own
const LOW = "\ude00";

describe("unstorableReason", () => {
  it("accepts any well-formed text, pairs and U+FFFD included", () => {
    for (const s of ["", "plain", "😀 ünï \u2028 \ufffd", "a\u0001b\u007f", "$$'; DROP TABLE x; --"]) expect(unstorableReason(s), s).toBeNull();
  });

  it("refuses NUL anywhere and a surrogate without its partner", () => {
    expect(unstorableReason("\u0000")).toMatch(/NUL/);
    expect(unstorableReason("a\u0000")).toMatch(/NUL/);
    for (const s of [HIGH, LOW, `a${HIGH}b`, `${LOW}${HIGH}`, `😀${LOW}`, `${HIGH}${HIGH}${LOW}`]) expect(unstorableReason(s), JSON.stringify(s)).toMatch(/surrogate/);
  });

  it("toStorable replaces exactly what is refused", () => {
    expect(toStorable(`a\u0000b${HIGH}c😀${LOW}`)).toBe("a\ufffdb\ufffdc😀\ufffd");
    expect(toStorable("😀".slice(0, 1))).toBe("\ufffd");
    expect(toStorable("fine 😀")).toBe("fine 😀");
  });
});

describe("findUnstorable", () => {
  it("names the first bad string by its path, in document order", () => {
    expect(findUnstorable({ name: "ok", tools: [{ name: "t" }, { name: "x\u0000" }], later: "\u0000" })).toEqual({ path: "tools.1.name", message: expect.stringMatching(/NUL/) });
    expect(findUnstorable("\u0000")).toEqual({ path: "(body)", message: expect.stringMatching(/NUL/) });
    expect(findUnstorable([1, null, true, "ok", [LOW]])).toEqual({ path: "4.0", message: expect.stringMatching(/surrogate/) });
  });

  it("reports a bad key at the object that holds it", () => {
    expect(findUnstorable({ labels: { ["k\u0000"]: "v" } })).toEqual({ path: "labels", message: expect.stringMatching(/^has a key that must not contain NUL/) });
    expect(findUnstorable({ [HIGH]: 1 })).toEqual({ path: "(body)", message: expect.stringMatching(/key.*surrogate/) });
  });

  it("passes clean values and leaves non-plain objects alone", () => {
    expect(findUnstorable({ a: [1, 2, { b: "😀" }], c: null, d: undefined, e: 3.5 })).toBeNull();
    class Opaque {
      s = "\u0000";
    }
    expect(findUnstorable({ when: new Date(0), o: new Opaque() })).toBeNull();
    expect(findUnstorable(Object.assign(Object.create(null), { s: "\u0000" }))).toEqual({ path: "s", message: expect.any(String) });
  });

  it("skips the paths it is told are not stored as given, `*` matching any key or index", () => {
    const v = { action: { arguments: { ["k\u0000"]: "\u0000" }, resource: "r" }, spans: [{ a: "\u0000" }, { b: LOW }] };
    expect(findUnstorable(v, ["action.arguments", "spans.*"])).toBeNull();
    expect(findUnstorable(v, ["action.arguments"])?.path).toBe("spans.0.a");
    expect(findUnstorable(v, ["spans.*"])?.path).toBe("action.arguments");
    // A pattern names a whole path, not a prefix.
    expect(findUnstorable({ action: { argumentsX: "\u0000" } }, ["action.arguments"])?.path).toBe("action.argumentsX");
  });

  it("walks a very deep value without exhausting the stack", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findUnstorable(deep)?.path.split(".")).toHaveLength(200_000);
    let clean: unknown = "ok";
    for (let i = 0; i < 200_000; i++) clean = { a: clean };
    expect(findUnstorable(clean)).toBeNull();
  });
});

describe("parseWith's guard", () => {
  const schema = z.object({ name: z.string(), labels: z.record(z.string(), z.string()).optional(), note: z.unknown().optional() });

  it("refuses what the schema accepts but Postgres cannot store, as validation_failed naming the field", () => {
    for (const [data, path] of [
      [{ name: "a\u0000b" }, "name"],
      [{ name: "ok", labels: { team: `x${LOW}` } }, "labels.team"],
      [{ name: "ok", labels: { ["t\u0000"]: "x" } }, "labels"],
      [{ name: "ok", note: { deep: ["\u0000"] } }, "note.deep.0"],
    ] as const) {
      const err = (() => {
        try {
          parseWith(schema, data);
        } catch (e) {
          return e as { code: string; message: string; fields: { path: string; message: string }[] };
        }
      })();
      expect(err?.code, path).toBe("validation_failed");
      expect(err?.fields).toEqual([{ path, message: expect.any(String) }]);
      expect(err?.message.startsWith(`${path}: `)).toBe(true);
    }
  });

  it("ignores unknown fields (the schema drops them) and the paths a schema declares not stored", () => {
    expect(parseWith(schema, { name: "ok", extra: "\u0000" })).toEqual({ name: "ok" });
    const digested = notStoredAsGiven(z.object({ name: z.string(), args: z.unknown() }), ["args"]);
    expect(parseWith(digested, { name: "ok", args: { ["\u0000"]: HIGH } })).toEqual({ name: "ok", args: { ["\u0000"]: HIGH } });
    expect(() => parseWith(digested, { name: "\u0000", args: 1 })).toThrow(/name: must not contain NUL/);
    const mapped = notStoredAsGiven(z.unknown());
    expect(parseWith(mapped, { anything: "\u0000" })).toEqual({ anything: "\u0000" });
  });

  it("reports a schema problem before a storable-text one", () => {
    expect(() => parseWith(schema, { name: 5, labels: { a: "\u0000" } })).toThrow(/^name: /);
  });
});
