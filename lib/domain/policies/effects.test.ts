import { describe, expect, it } from "vitest";
import { GUARDRAILS } from "@/lib/policy/cedar/guardrails";
import { effectLabel, summarizeEffects } from "@/lib/domain/policies/effects";
import { diffLines, summarizeDiff } from "./line-diff";

describe("summarizeEffects", () => {
  it("reads the shipped guardrails the way the engine does", () => {
    const byId = Object.fromEntries(GUARDRAILS.map((g) => [g.id, summarizeEffects(g.text)]));
    expect(byId["baseline-permit"]).toEqual({ permit: 1, forbid: 0, escalate: 0 });
    expect(byId["restricted-data-stays-internal"]).toEqual({ permit: 0, forbid: 1, escalate: 0 });
    expect(byId["unmanaged-connector-needs-person"]).toEqual({ permit: 0, forbid: 0, escalate: 1 });
  });

  it("ignores comments and strings, and applies the record's onForbid unless a statement says otherwise", () => {
    const text = [
      "// permit(principal, action, resource);",
      '@reason("never permit(x); forbid(y)")',
      "forbid(principal, action, resource);",
      "@escalate",
      "forbid(principal, action, resource);",
      '@escalate("false") forbid(principal, action, resource);',
      "permit(principal, action, resource);",
    ].join("\n");
    expect(summarizeEffects(text)).toEqual({ permit: 1, forbid: 2, escalate: 1 });
    expect(summarizeEffects(text, "escalate")).toEqual({ permit: 1, forbid: 1, escalate: 2 });
    expect(effectLabel(summarizeEffects(text))).toBe("permit, forbid ×2, escalate");
    expect(effectLabel(summarizeEffects("// nothing"))).toBe("no statements");
  });
});

describe("diffLines", () => {
  it("marks added and removed lines with their numbers", () => {
    const before = "a\nb\nc\n";
    const after = "a\nB\nc\nd";
    expect(diffLines(before, after)).toEqual([
      { kind: "same", text: "a", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "b", oldLine: 2 },
      { kind: "added", text: "B", newLine: 2 },
      { kind: "same", text: "c", oldLine: 3, newLine: 3 },
      { kind: "added", text: "d", newLine: 4 },
    ]);
    expect(summarizeDiff(before, after)).toEqual({ added: 2, removed: 1, unchanged: 2 });
    expect(summarizeDiff("", "x\ny")).toEqual({ added: 2, removed: 0, unchanged: 0 });
  });
});
