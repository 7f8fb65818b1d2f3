import { describe, expect, it } from "vitest";
import { actionName, approvalsLabel, compareAsk, describeAsk, diffLines, formatValue, intentOfAsk, reasonCodes } from "./ask";

const intent = { goal: "triage issues", actions: ["github:issues.read"], maxSensitivity: "internal", destinations: ["internal:*"], ttlSeconds: 600 };

describe("describeAsk", () => {
  it("names a tool call as connector:tool.operation with what it touches", () => {
    const a = { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/api", sensitivity: "confidential", destination: "" };
    expect(describeAsk("action", a)).toEqual({
      title: "github:issues.write",
      details: [
        { label: "resource", value: "repo:acme/api" },
        { label: "sensitivity", value: "confidential" },
      ],
    });
  });

  it("shows the scope a credential request wants", () => {
    const a = { connector: "pg", tool: "credential", operation: "issue", scope: { operations: ["select", "insert"] } };
    expect(describeAsk("action", a).details).toEqual([{ label: "operations", value: "select, insert" }]);
  });

  it("names intent changes by version and session openings, with the goal", () => {
    expect(describeAsk("intent_change", { from: intent, to: intent, version: 3 }, "triage issues")).toEqual({ title: "Intent change v3", details: [{ label: "goal", value: "triage issues" }] });
    expect(describeAsk("session_open", intent).title).toBe("Session open");
    // Stored and listed shapes both read: `{ intent }` and the intent itself.
    expect(describeAsk("session_open", { intent }).details).toEqual([{ label: "goal", value: "triage issues" }]);
    expect(describeAsk("intent_change", {}).title).toBe("Intent change");
  });

  it("never throws on odd shapes", () => {
    expect(actionName(null)).toBe("?:?.?");
    expect(describeAsk("action", "nonsense").title).toBe("?:?.?");
    expect(intentOfAsk("action", {})).toBeNull();
  });
});

describe("small formatters", () => {
  it("formats values, diffs, approvals and reason codes", () => {
    expect(formatValue(["a", "b"])).toBe("a, b");
    expect(formatValue([], "none")).toBe("none");
    expect(formatValue(null)).toBe("—");
    expect(formatValue(600)).toBe("600");
    expect(diffLines([{ field: "resource", declared: ["repo:acme/*"], actual: null }])).toEqual([{ field: "resource", declared: "repo:acme/*", actual: "not limited" }]);
    expect(diffLines(null)).toEqual([]);
    expect(approvalsLabel(1, 2)).toBe("1 of 2");
    expect(reasonCodes([{ code: "a" }, { code: "b" }, { code: "a" }])).toEqual(["a", "b"]);
  });
});

describe("compareAsk", () => {
  it("puts the declared intent beside the call and marks the fields outside it", () => {
    const a = { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/api" };
    const rows = compareAsk("action", a, intent, [{ field: "action", declared: intent.actions, actual: "github:issues.write" }]);
    expect(rows.map((r) => [r.label, r.declared, r.requested, r.differs])).toEqual([
      ["Action", "github:issues.read", "github:issues.write", true],
      ["Resource", "any", "repo:acme/api", false],
      ["Sensitivity", "internal", "not stated", false],
      ["Destination", "internal:*", "none", false],
    ]);
  });

  it("compares an intent change's old and new intent, field names in either spelling", () => {
    const to = { ...intent, actions: ["github:*"], ttlSeconds: 1200 };
    const rows = compareAsk("intent_change", { from: intent, to, version: 2 }, null, [
      { field: "actions", declared: intent.actions, actual: ["github:*"] },
      { field: "ttlSeconds", declared: 600, actual: 1200 },
    ]);
    expect(rows.filter((r) => r.differs).map((r) => [r.label, r.declared, r.requested])).toEqual([
      ["Action", "github:issues.read", "github:*"],
      ["Time to live (s)", "600", "1200"],
    ]);
  });

  it("sets a session opening's intent against the limits its diff names", () => {
    const rows = compareAsk("session_open", { intent }, intent, [{ field: "maxSensitivity", declared: "public", actual: "internal" }]);
    const sens = rows.find((r) => r.label === "Sensitivity")!;
    expect(sens).toMatchObject({ declared: "public", requested: "internal", differs: true });
    expect(rows.find((r) => r.label === "Action")).toMatchObject({ declared: "within the limit", differs: false });
  });
});
