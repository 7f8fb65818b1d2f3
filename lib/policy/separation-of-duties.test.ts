import { describe, expect, it } from "vitest";
import { allowedScopes, decisionBlocker, isHighRisk, narrowestScope, personRef } from "./separation-of-duties";

const base = { kind: "action" as const, action: { connector: "github", tool: "issues", operation: "write" }, reasons: [{ code: "intent.operation_not_declared" }], requiredApprovals: 1, requestedBy: "agent:a1", agentOwnerId: "owner", voters: [] as string[] };

describe("separation of duties", () => {
  it("lets an approver or admin decide, nobody else", () => {
    expect(decisionBlocker({ id: "p", role: "approver" }, base)).toBeNull();
    expect(decisionBlocker({ id: "p", role: "admin" }, base)).toBeNull();
    expect(decisionBlocker({ id: "p", role: "analyst" }, base)).toMatch(/not decide/);
    expect(decisionBlocker({ id: "p", role: "auditor" }, base)).toMatch(/not decide/);
  });

  it("refuses the agent's owner, the requester, and a second vote by the same person", () => {
    expect(decisionBlocker({ id: "owner", role: "approver" }, base)).toMatch(/own this agent/);
    expect(decisionBlocker({ id: "p", role: "approver" }, { ...base, requestedBy: personRef("p") })).toMatch(/filed this request/);
    expect(decisionBlocker({ id: "p", role: "approver" }, { ...base, voters: ["p"] })).toMatch(/already voted/);
    expect(decisionBlocker({ id: "q", role: "approver" }, { ...base, voters: ["p"] })).toBeNull();
  });

  it("rates two-approver escalations as high risk", () => {
    expect(isHighRisk({ requiredApprovals: 2 })).toBe(true);
    expect(isHighRisk({ requiredApprovals: 1 })).toBe(false);
  });

  it("offers amending the intent only when the intent alone stood in the way", () => {
    expect(allowedScopes(base)).toEqual(["once", "session", "amend_intent"]);
    expect(allowedScopes({ ...base, reasons: [{ code: "intent.operation_not_declared" }, { code: "policy.forbid" }] })).toEqual(["once", "session"]);
    expect(allowedScopes({ ...base, reasons: [{ code: "connector.unmanaged" }] })).toEqual(["once", "session"]);
    expect(allowedScopes({ ...base, action: { connector: "db", tool: "credential", operation: "issue" } })).toEqual(["once", "session"]);
    expect(allowedScopes({ ...base, kind: "intent_change" })).toEqual([]);
    expect(allowedScopes({ ...base, kind: "session_open" })).toEqual([]);
  });

  it("takes the narrowest scope two approvers chose", () => {
    expect(narrowestScope(["session", "once"])).toBe("once");
    expect(narrowestScope(["amend_intent", "session"])).toBe("session");
    expect(narrowestScope(["amend_intent"])).toBe("amend_intent");
  });
});
