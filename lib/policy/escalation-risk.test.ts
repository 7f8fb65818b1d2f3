import { describe, expect, it } from "vitest";
import { checkAction, compareIntents } from "./intent";
import { actionRisk, amendIntentFor, escalationRisk, intentRisk } from "./escalation-risk";

const intent = { goal: "triage", actions: ["github:issues.read"], resources: ["repo:acme/*"], maxSensitivity: "internal" as const, destinations: ["internal:*"], ttlSeconds: 600 };

describe("escalation risk", () => {
  it("restricted data, an external destination or a high-tier agent take two approvers", () => {
    expect(actionRisk({ sensitivity: "restricted" }, "low")).toEqual({ risk: "high", requiredApprovals: 2 });
    expect(actionRisk({ sensitivity: "internal", destination: "email:bob@example.com" }, "low")).toEqual({ risk: "high", requiredApprovals: 2 });
    expect(actionRisk({ sensitivity: "internal", destination: "internal:crm" }, "medium")).toEqual({ risk: "medium", requiredApprovals: 1 });
    expect(escalationRisk({ agentTier: "high" })).toEqual({ risk: "high", requiredApprovals: 2 });
    expect(intentRisk({ maxSensitivity: "confidential", destinations: ["internal:*"] }, "low")).toEqual({ risk: "low", requiredApprovals: 1 });
    expect(intentRisk({ maxSensitivity: "confidential", destinations: ["slack:#public"] }, "low").requiredApprovals).toBe(2);
  });
});

describe("amendIntentFor", () => {
  it("adds exactly what the action needs and the action then fits", () => {
    const action = { connector: "github", tool: "issues", operation: "write", resource: "repo:other/x", sensitivity: "confidential", destination: "internal:tracker" };
    const next = amendIntentFor(intent, action);
    expect(next.actions).toEqual(["github:issues.read", "github:issues.write"]);
    expect(next.resources).toEqual(["repo:acme/*", "repo:other/x"]);
    expect(next.maxSensitivity).toBe("confidential");
    expect(next.destinations).toEqual(["internal:*", "internal:tracker"]);
    expect(next.ttlSeconds).toBe(600);
    expect(checkAction(next, action).inside).toBe(true);
    // A different operation is still outside.
    expect(checkAction(next, { ...action, operation: "delete" }).inside).toBe(false);
    expect(compareIntents(intent, next).kind).toBe("widening");
  });

  it("leaves an intent without resources unrestricted and never lowers sensitivity", () => {
    const open = { ...intent, resources: undefined, maxSensitivity: "confidential" as const };
    const next = amendIntentFor(open, { connector: "github", tool: "issues", operation: "read", resource: "repo:x", sensitivity: "public" });
    expect(next.resources).toBeUndefined();
    expect(next.maxSensitivity).toBe("confidential");
    expect(next.actions).toEqual(["github:issues.read"]);
  });
});
