import { describe, expect, it } from "vitest";
import {
  ANY_EXTERNAL, destinationCovers, destinationMatches, destinationMatchesAny, globCovers, globMatch, globMatchAny, isExternalDestination,
  normalizeGlob, uncoveredDestinations, uncoveredGlobs,
} from "./globs";

// Small seeded PRNG so the property loops are reproducible.
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: <T,>(xs: readonly T[]) => xs[int(0, xs.length - 1)] };
}
type Rng = ReturnType<typeof rng>;
const randomGlob = (r: Rng, alphabet: string, maxLen: number) => Array.from({ length: r.int(0, maxLen) }, () => r.pick([...alphabet])).join("");

/** Every string over `alphabet` up to `maxLen` characters. */
function allStrings(alphabet: string, maxLen: number): string[] {
  const out = [""];
  let layer = [""];
  for (let n = 1; n <= maxLen; n++) {
    layer = layer.flatMap((s) => [...alphabet].map((c) => s + c));
    out.push(...layer);
  }
  return out;
}

// Reference semantics: `*` = any run of characters, everything else literal.
const reference = (pattern: string) =>
  new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s\\S]*")}$`);

describe("globMatch", () => {
  it("matches resources and destinations the way they are written", () => {
    expect(globMatch("repo:acme/api", "repo:acme/api")).toBe(true);
    expect(globMatch("repo:acme/api", "repo:acme/api2")).toBe(false);
    expect(globMatch("repo:acme/*", "repo:acme/api")).toBe(true);
    expect(globMatch("repo:acme/*", "repo:acme/")).toBe(true);
    expect(globMatch("repo:acme/*", "repo:acme")).toBe(false);
    expect(globMatch("s3://bucket/prefix/*", "s3://bucket/prefix/a/b/c.parquet")).toBe(true);
    expect(globMatch("s3://bucket/prefix/*", "s3://bucket/other/a")).toBe(false);
    expect(globMatch("email:*@acme.example", "email:bob@acme.example")).toBe(true);
    expect(globMatch("email:*@acme.example", "email:bob@acme.example.evil.com")).toBe(false);
    expect(globMatch("email:*@acme.example", "email:bob@evil.com#@acme.example")).toBe(true); // * really is any run
    expect(globMatch("table:customers", "table:Customers")).toBe(false); // case-sensitive
    expect(globMatch("*", "")).toBe(true);
    expect(globMatch("", "")).toBe(true);
    expect(globMatch("", "a")).toBe(false);
    expect(globMatch("a*b*c", "abc")).toBe(true);
    expect(globMatch("a*b*c", "acb")).toBe(false);
  });

  it("treats every other character literally (no regex, no ?, no classes)", () => {
    expect(globMatch("email:*@acme.example", "email:bob@acmeXexample")).toBe(false);
    expect(globMatch("a.c", "abc")).toBe(false);
    expect(globMatch("a?c", "abc")).toBe(false);
    expect(globMatch("a?c", "a?c")).toBe(true);
    expect(globMatch("[ab]", "a")).toBe(false);
    expect(globMatch("[ab]", "[ab]")).toBe(true);
    expect(globMatch("slack:#incidents", "slack:#incidents")).toBe(true);
    expect(globMatch("^(a|b)+$\\", "^(a|b)+$\\")).toBe(true);
    expect(globMatch("x*", "x\nmultiline")).toBe(true); // * crosses newlines
  });

  it("does not throw on odd input and answers no", () => {
    const odd = [undefined, null, 42, {}, []] as unknown as string[];
    for (const v of odd) {
      expect(globMatch(v, "a")).toBe(false);
      expect(globMatch("a", v)).toBe(false);
      expect(globCovers(v, "a")).toBe(false);
      expect(globCovers("*", v)).toBe(false);
    }
    expect(globMatchAny(undefined, "a")).toBe(false);
    expect(globMatchAny([], "a")).toBe(false);
    expect(globMatch("a".repeat(5000), "a".repeat(5000))).toBe(false); // beyond the length cap: fail closed
  });

  it("stays fast on patterns that make backtracking regexes explode", () => {
    const pattern = "*a".repeat(40) + "*b";
    const value = "a".repeat(3000);
    const t0 = performance.now();
    expect(globMatch(pattern, value)).toBe(false);
    expect(globCovers(pattern, "*a".repeat(39))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("agrees with a reference regex on generated patterns and values", () => {
    const r = rng(1);
    const values = allStrings("ab*", 5);
    for (let n = 0; n < 300; n++) {
      const p = randomGlob(r, "ab**", 6);
      const re = reference(p);
      for (const v of values) expect(globMatch(p, v), `${p} ~ ${v}`).toBe(re.test(v));
    }
  });
});

describe("globCovers", () => {
  it("decides the usual cases", () => {
    expect(globCovers("repo:acme/*", "repo:acme/api")).toBe(true);
    expect(globCovers("repo:acme/*", "repo:acme/api*")).toBe(true);
    expect(globCovers("repo:acme/*", "repo:acme/*")).toBe(true);
    expect(globCovers("repo:acme/api*", "repo:acme/*")).toBe(false);
    expect(globCovers("repo:acme/api", "repo:acme/*")).toBe(false);
    expect(globCovers("*", "anything*at*all")).toBe(true);
    expect(globCovers("anything", "*")).toBe(false);
    expect(globCovers("email:*@acme.example", "email:ops@acme.example")).toBe(true);
    expect(globCovers("email:*@acme.example", "email:ops-*@acme.example")).toBe(true);
    expect(globCovers("email:*@acme.example", "email:*@eu.acme.example")).toBe(false); // "@eu.acme.example" lacks "@acme."
    expect(globCovers("email:*@acme.example", "email:*")).toBe(false);
    expect(globCovers("email:*@*", "email:*@acme.example")).toBe(true);
    expect(globCovers("s3://b/*", "s3://b/x/*/y")).toBe(true);
    expect(globCovers("*a*", "*")).toBe(false);
    expect(globCovers("*a*", "*a")).toBe(true);
    expect(globCovers("a*a", "a*a*a")).toBe(true);
    expect(globCovers("a**", "a*")).toBe(true);
    expect(globCovers("a*", "a**")).toBe(true);
  });

  it("is exact: equals brute-force inclusion on generated patterns", () => {
    // A pattern that is not covered has a witness no longer than itself: its literals, with each `*`
    // replaced by a character (`c`) the patterns never use. So checking every string over {a,b,c}
    // up to the inner pattern's length decides inclusion.
    const r = rng(2);
    const universe = allStrings("abc", 6);
    const outcomes = [0, 0];
    for (let n = 0; n < 400; n++) {
      const outer = randomGlob(r, "ab*", 5);
      const inner = randomGlob(r, "ab*", 6);
      const brute = universe.filter((s) => s.length <= inner.length && globMatch(inner, s)).every((s) => globMatch(outer, s));
      expect(globCovers(outer, inner), `${outer} ⊇ ${inner}`).toBe(brute);
      outcomes[brute ? 1 : 0]++;
    }
    expect(Math.min(...outcomes)).toBeGreaterThan(40); // both answers were exercised
  });

  it("is reflexive and transitive, and covering implies matching", () => {
    const r = rng(3);
    const globs = Array.from({ length: 60 }, () => randomGlob(r, "ab/*", 5));
    const values = allStrings("ab/", 4);
    for (const a of globs) {
      expect(globCovers(a, a), a).toBe(true);
      for (const b of globs) {
        if (!globCovers(a, b)) continue;
        for (const v of values) if (globMatch(b, v)) expect(globMatch(a, v), `${a} ⊇ ${b} but misses ${v}`).toBe(true);
        for (const c of globs) if (globCovers(b, c)) expect(globCovers(a, c), `${a} ⊇ ${b} ⊇ ${c}`).toBe(true);
      }
    }
  });

  it("lists the globs nobody covers", () => {
    expect(uncoveredGlobs(["repo:acme/*", "table:customers"], ["repo:acme/api", "table:orders", "table:customers"])).toEqual(["table:orders"]);
    expect(uncoveredGlobs(undefined, ["x"])).toEqual(["x"]);
    expect(normalizeGlob("a***b**")).toBe("a*b*");
  });
});

describe("destinations", () => {
  it("counts only internal: as internal, odd strings as external", () => {
    expect(isExternalDestination("internal:slack/#inc-bridge")).toBe(false);
    expect(isExternalDestination("internal:")).toBe(false);
    for (const d of ["email:bob@acme.example", "slack:#incidents", "external:pastebin", "Internal:x", " internal:x", "internal", "", "https://x"]) {
      expect(isExternalDestination(d), d).toBe(true);
    }
    expect(isExternalDestination(undefined as unknown as string)).toBe(true);
  });

  it("matches declared destinations, with external:* meaning every external one", () => {
    expect(destinationMatches("internal:*", "internal:s3/curated")).toBe(true);
    expect(destinationMatches("internal:*", "email:a@acme.example")).toBe(false);
    expect(destinationMatches("email:*@acme.example", "email:a@acme.example")).toBe(true);
    expect(destinationMatches("slack:#incidents", "slack:#random")).toBe(false);
    expect(destinationMatches(ANY_EXTERNAL, "email:a@gmail.com")).toBe(true);
    expect(destinationMatches(ANY_EXTERNAL, "external:paste")).toBe(true);
    expect(destinationMatches("external:**", "slack:#x")).toBe(true);
    expect(destinationMatches(ANY_EXTERNAL, "internal:slack/#x")).toBe(false);
    expect(destinationMatches("external:paste*", "email:a@b")).toBe(false); // only the bare external:* is special
    expect(destinationMatches("external:paste*", "external:pastebin")).toBe(true);
    expect(destinationMatchesAny(undefined, "internal:x")).toBe(false);
    expect(destinationMatches(undefined as unknown as string, "x")).toBe(false);
  });

  it("knows which destination patterns cover which", () => {
    expect(destinationCovers(ANY_EXTERNAL, "email:*@acme.example")).toBe(true);
    expect(destinationCovers(ANY_EXTERNAL, "slack:#incidents")).toBe(true);
    expect(destinationCovers(ANY_EXTERNAL, "external:*")).toBe(true);
    expect(destinationCovers(ANY_EXTERNAL, "internal:*")).toBe(false);
    expect(destinationCovers(ANY_EXTERNAL, "internal:slack/#x")).toBe(false);
    expect(destinationCovers(ANY_EXTERNAL, "*")).toBe(false);
    expect(destinationCovers(ANY_EXTERNAL, "int*")).toBe(false);
    expect(destinationCovers(ANY_EXTERNAL, "internal")).toBe(true);
    expect(destinationCovers(ANY_EXTERNAL, "e*")).toBe(true);
    expect(destinationCovers("*", ANY_EXTERNAL)).toBe(true);
    expect(destinationCovers("e*", ANY_EXTERNAL)).toBe(false);
    expect(destinationCovers("external:p*", ANY_EXTERNAL)).toBe(false);
    expect(destinationCovers("internal:*", "internal:slack/*")).toBe(true);
    expect(destinationCovers("internal:slack/*", "internal:*")).toBe(false);
    expect(destinationCovers("email:*", "email:*@acme.example")).toBe(true);
    expect(uncoveredDestinations(["internal:*"], ["internal:s3", "email:a@b"])).toEqual(["email:a@b"]);
    expect(uncoveredDestinations(undefined, ["internal:s3"])).toEqual(["internal:s3"]);
  });

  it("covering implies matching, and covering is reflexive and transitive (generated)", () => {
    const r = rng(4);
    const parts = ["internal:", "external:", "email:", "slack:", "*", "a", "@", "x"];
    const patterns = [ANY_EXTERNAL, "*", "internal:*", ...Array.from({ length: 60 }, () => Array.from({ length: r.int(1, 3) }, () => r.pick(parts)).join(""))];
    const values = ["", "internal:", "internal:a", "internal:x@a", "external:", "external:a", "email:a@x", "slack:x", "a", "x@a", "internal", "interna", "*", "email:*"];
    for (const a of patterns) {
      expect(destinationCovers(a, a), a).toBe(true);
      for (const b of patterns) {
        if (!destinationCovers(a, b)) continue;
        for (const v of values) if (destinationMatches(b, v)) expect(destinationMatches(a, v), `${a} ⊇ ${b} but misses ${v}`).toBe(true);
        for (const c of patterns) if (destinationCovers(b, c)) expect(destinationCovers(a, c), `${a} ⊇ ${b} ⊇ ${c}`).toBe(true);
      }
    }
  });
});
