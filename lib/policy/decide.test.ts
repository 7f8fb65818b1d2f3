import { describe, expect, it } from "vitest";
import type { ActionShape } from "@/lib/db/schema/decisions";
import { compilePolicies, type PolicyEngine } from "./cedar/engine";
import { guardrailPolicies } from "./cedar/guardrails";
import type { PolicyRequest } from "./cedar/request";
import { afterViolation, approve, decide, type Decision, type DecisionFacts, type Guardrails } from "./decide";
import { actionHash } from "./intent";

// The decision steps of shared/design.md, one row per reason code, through the pure decide().
// Authentication (step 1) and recording (step 6) are the decision path's I/O and are tested
// through the database (tests/integration/decisions.int.test.ts).

const NOW = new Date("2026-12-07T12:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

type FactOverrides = { agent?: Partial<DecisionFacts["agent"]>; session?: Partial<DecisionFacts["session"]>; connector?: Partial<DecisionFacts["connector"]> };

function facts(o: FactOverrides = {}): DecisionFacts {
  return {
    now: NOW,
    agent: { name: "triage-bot", identity: "spiffe://acme/triage", riskTier: "medium", status: "active", team: "support", envelope: { actions: ["github:*", "slack:*", "crm:*", "ledger:*"] }, ...o.agent },
    session: {
      status: "active",
      expiresAt: minutes(30),
      startedAt: minutes(-5),
      intent: { goal: "triage issues", actions: ["github:issues.*", "slack:chat.post"], maxSensitivity: "internal", destinations: ["internal:*"], ttlSeconds: 3600 },
      escalationCount: 0,
      denyCount: 0,
      ...o.session,
    },
    connector: {
      managed: true,
      kind: "saas_api",
      sensitivity: "internal",
      environment: "production",
      tools: new Map([["issues", { sensitivity: null, operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] }]]),
      ...o.connector,
    },
  };
}

const READ: ActionShape = { connector: "github", tool: "issues", operation: "read", resource: "acme/app" };
const permitAll: Guardrails = { decide: () => ({ decision: "allow", reasons: [] }) };
const policy = (decision: "deny" | "escalate", code: "policy.forbid" | "policy.escalate" | "policy.no_permit"): Guardrails => ({
  decide: () => ({ decision, reasons: [{ code, message: `${code} by test`, policyId: "p1" }] }),
});
/** Guardrails that fail the test if consulted: earlier steps must have decided. */
const unreachable: Guardrails = {
  decide: () => {
    throw new Error("guardrails consulted after an earlier step decided");
  },
};

type Row = { name: string; facts?: FactOverrides; action?: Partial<ActionShape>; guardrails?: Guardrails; outcome: Decision["outcome"]; codes: string[] };

const ROWS: Row[] = [
  // Step 2: agent and session state, in this order; the first decides alone.
  { name: "inside everything", outcome: "allow", codes: [] },
  { name: "quarantined agent", facts: { agent: { status: "quarantined" } }, guardrails: unreachable, outcome: "deny", codes: ["agent.quarantined"] },
  { name: "retired agent", facts: { agent: { status: "retired" } }, guardrails: unreachable, outcome: "deny", codes: ["agent.quarantined"] },
  { name: "quarantine before session state", facts: { agent: { status: "quarantined" }, session: { status: "ended" } }, guardrails: unreachable, outcome: "deny", codes: ["agent.quarantined"] },
  { name: "expired active session", facts: { session: { expiresAt: NOW } }, guardrails: unreachable, outcome: "deny", codes: ["session.expired"] },
  { name: "expired pending session", facts: { session: { status: "pending", expiresAt: minutes(-1) } }, guardrails: unreachable, outcome: "deny", codes: ["session.expired"] },
  { name: "pending session", facts: { session: { status: "pending" } }, guardrails: unreachable, outcome: "deny", codes: ["session.pending"] },
  { name: "ended session", facts: { session: { status: "ended" } }, guardrails: unreachable, outcome: "deny", codes: ["session.not_active"] },
  { name: "ended and expired session", facts: { session: { status: "ended", expiresAt: minutes(-1) } }, guardrails: unreachable, outcome: "deny", codes: ["session.not_active"] },
  // Step 3: envelope (deny), intent dimensions (escalate, each its own reason), unmanaged connector.
  { name: "outside the envelope", action: { connector: "ledger", tool: "entries", operation: "read" }, facts: { agent: { envelope: { actions: ["github:*"] } }, session: { intent: { goal: "g", actions: ["ledger:*"], maxSensitivity: "internal", ttlSeconds: 60 } } }, outcome: "deny", codes: ["agent.envelope_exceeded"] },
  { name: "operation not declared", action: { operation: "write" }, facts: { session: { intent: { goal: "g", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 60 } } }, outcome: "escalate", codes: ["intent.operation_not_declared"] },
  { name: "resource not declared", facts: { session: { intent: { goal: "g", actions: ["github:*"], resources: ["acme/docs"], maxSensitivity: "internal", ttlSeconds: 60 } } }, outcome: "escalate", codes: ["intent.resource_not_declared"] },
  { name: "sensitivity above the intent", action: { sensitivity: "confidential" }, outcome: "escalate", codes: ["intent.sensitivity_exceeded"] },
  { name: "tool's default sensitivity above the intent", facts: { connector: { tools: new Map([["issues", { sensitivity: "restricted", operations: [] }]]) } }, outcome: "escalate", codes: ["intent.sensitivity_exceeded"] },
  { name: "destination not declared", action: { destination: "email:someone@elsewhere.example" }, outcome: "escalate", codes: ["intent.destination_not_allowed"] },
  { name: "unmanaged connector", facts: { connector: { managed: false } }, outcome: "escalate", codes: ["connector.unmanaged"] },
  { name: "several dimensions at once", action: { tool: "pulls", operation: "delete", sensitivity: "restricted" }, facts: { connector: { managed: false } }, outcome: "escalate", codes: ["intent.operation_not_declared", "intent.sensitivity_exceeded", "connector.unmanaged"] },
  { name: "envelope deny wins over intent escalations", action: { connector: "jira", tool: "issues", operation: "read" }, outcome: "deny", codes: ["agent.envelope_exceeded", "intent.operation_not_declared"] },
  // Step 4: guardrails, after the intent; a deny wins over any escalate.
  { name: "guardrail forbids", guardrails: policy("deny", "policy.forbid"), outcome: "deny", codes: ["policy.forbid"] },
  { name: "nothing permits", guardrails: policy("deny", "policy.no_permit"), outcome: "deny", codes: ["policy.no_permit"] },
  { name: "guardrail wants a person", guardrails: policy("escalate", "policy.escalate"), outcome: "escalate", codes: ["policy.escalate"] },
  { name: "guardrail deny over an intent escalate", action: { operation: "write" }, guardrails: policy("deny", "policy.forbid"), facts: { session: { intent: { goal: "g", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 60 } } }, outcome: "deny", codes: ["intent.operation_not_declared", "policy.forbid"] },
];

describe("decide", () => {
  it.each(ROWS)("$name → $outcome $codes", (row) => {
    const d = decide(facts(row.facts), { ...READ, ...row.action }, row.guardrails ?? permitAll);
    expect(d.outcome).toBe(row.outcome);
    expect(d.reasons.map((r) => r.code)).toEqual(row.codes);
    // Only an escalate may be turned into an allow by an approval, and it names the exact action.
    expect(d.grantFor !== undefined).toBe(row.outcome === "escalate");
  });

  it("hands the guardrails the facts of step 4", () => {
    let seen: PolicyRequest | undefined;
    const spy: Guardrails = { decide: (req) => ((seen = req), { decision: "allow", reasons: [] }) };
    decide(facts({ session: { escalationCount: 2, denyCount: 3 } }), { ...READ, operation: "write", destination: "email:x@elsewhere.example" }, spy);
    expect(seen).toEqual({
      agent: { name: "triage-bot", riskTier: "medium", team: "support", status: "active", identity: "spiffe://acme/triage" },
      connector: { name: "github", managed: true, kind: "saas_api", sensitivity: "internal", environment: "production" },
      tool: "issues",
      operation: "write",
      access: "write",
      resource: "acme/app",
      sensitivity: "internal",
      destination: "email:x@elsewhere.example",
      destinationExternal: true,
      intentMatch: false,
      sessionAgeSeconds: 300,
      escalationCount: 2,
      denialCount: 3,
    });
  });

  it("keeps the intent-vs-action diff and the effective sensitivity", () => {
    const d = decide(facts(), { ...READ, operation: "write", sensitivity: "confidential" }, permitAll);
    expect(d.sensitivity).toBe("confidential");
    expect(d.diff).toEqual([{ field: "sensitivity", declared: "internal", actual: "confidential" }]);
    expect(decide(facts(), READ, permitAll)).toEqual({ outcome: "allow", reasons: [], sensitivity: "internal" });
  });

  it("binds an escalate to the exact action's hash", () => {
    const action = { ...READ, destination: "email:x@elsewhere.example" };
    const d = decide(facts(), action, permitAll);
    expect(d.grantFor).toBe(actionHash(action, { defaultSensitivity: "internal" }));
    expect(decide(facts(), { ...action, resource: "acme/other" }, permitAll).grantFor).not.toBe(d.grantFor);
  });

  it("decides with the shipped guardrails", () => {
    const compiled = compilePolicies(guardrailPolicies());
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const engine: PolicyEngine = compiled.engine;
    const wide = { session: { intent: { goal: "g", actions: ["github:*"], maxSensitivity: "restricted" as const, destinations: ["email:*"], ttlSeconds: 60 } } };
    expect(decide(facts(wide), READ, engine).outcome).toBe("allow");
    const leak = decide(facts(wide), { ...READ, sensitivity: "restricted", destination: "email:x@elsewhere.example" }, engine);
    expect(leak.outcome).toBe("deny");
    expect(leak.reasons.map((r) => r.code)).toEqual(["policy.forbid"]);
  });
});

describe("approve (step 5)", () => {
  it("turns an approved escalate into an allow that names what it overruled", () => {
    const d = decide(facts(), { ...READ, tool: "pulls" }, permitAll);
    const a = approve(d, { scope: "once" });
    expect(a).toEqual({
      outcome: "allow",
      reasons: [{ code: "approval.granted", message: "A person approved this exact action (this call once)" }],
      sensitivity: "internal",
      diff: d.diff,
      approvedOver: ["intent.operation_not_declared"],
    });
    expect(approve(d, { scope: "session" }).reasons[0].message).toMatch(/rest of the session/);
  });

  it("never overturns a deny", () => {
    const d = decide(facts({ agent: { status: "quarantined" } }), READ, unreachable);
    expect(() => approve(d, { scope: "session" })).toThrow();
  });
});

describe("afterViolation (a precondition failed at commit)", () => {
  const allowed = decide(facts(), READ, permitAll);
  it.each(["session.intent_changed", "grant.unavailable"])("decides %s again once, then denies", (v) => {
    expect(afterViolation(allowed, v, 1)).toBe("decide again");
    expect(afterViolation(allowed, v, 2)).toEqual({ outcome: "deny", reasons: [{ code: v, message: "Changed while the decision was being made" }], sensitivity: "internal" });
  });
  it.each(["agent.not_active", "session.not_active", "credential.revoked"])("denies %s at once", (v) => {
    const d = afterViolation(allowed, v, 1);
    expect(d).toMatchObject({ outcome: "deny", reasons: [{ code: v }] });
  });
});
