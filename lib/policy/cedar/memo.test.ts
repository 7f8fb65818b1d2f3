import { describe, expect, it } from "vitest";
import { compilePolicies } from "./engine";
import { guardrailPolicies } from "./guardrails";
import type { PolicyRequest } from "./request";

describe("the answer memo", () => {
  it("answers exactly as a fresh evaluation would, for repeated and varied requests", () => {
    const memo = compilePolicies(guardrailPolicies());
    const fresh = compilePolicies(guardrailPolicies(), undefined, { memo: false });
    if (!memo.ok || !fresh.ok) throw new Error("guardrails must compile");
    let seed = 7;
    const r = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
    const reqs: PolicyRequest[] = Array.from({ length: 150 }, () => ({
      agent: { name: pick(["a", "b"]), riskTier: pick(["low", "medium", "high"]), team: "t", status: pick(["active", "active", "quarantined"]), identity: "x" },
      connector: { name: pick(["db", "gh", "shadow"]), managed: r() > 0.2, kind: pick(["database", "saas_api"]), sensitivity: "internal", environment: pick(["production", "staging"]) },
      tool: "t",
      operation: "op",
      access: pick(["read", "write", "delete", "call"] as const),
      sensitivity: pick(["public", "internal", "confidential", "restricted"] as const),
      destination: pick(["internal:x", "email:x@y.z"]),
      destinationExternal: r() > 0.5,
      intentMatch: r() > 0.3,
      sessionAgeSeconds: Math.floor(r() * 10),
      escalationCount: 0,
      denialCount: Math.floor(r() * 7),
    }));
    const outcomes = new Set<string>();
    for (const q of [...reqs, ...reqs]) {
      const a = memo.engine.decide(q);
      // Cedar lists matching policies in no fixed order; the set and the outcome must agree.
      const norm = (d: typeof a) => ({ ...d, matched: [...d.matched].sort((x, y) => x.policyId.localeCompare(y.policyId)), reasons: [...d.reasons].sort((x, y) => (x.policyId ?? "").localeCompare(y.policyId ?? "")) });
      expect(norm(a)).toEqual(norm(fresh.engine.decide(q)));
      outcomes.add(a.decision);
    }
    expect([...outcomes].sort()).toEqual(["allow", "deny", "escalate"]);
  });
});
