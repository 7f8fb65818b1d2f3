import { describe, expect, it } from "vitest";
import { compilePolicies, requestKey } from "./engine";
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

describe("the exact-request memo key", () => {
  it("changes when any single field of the request changes", () => {
    const base: PolicyRequest = {
      agent: { name: "a", riskTier: "low", team: "t", status: "active", identity: "i" },
      connector: { name: "c", managed: true, kind: "database", sensitivity: "internal", environment: "production" },
      tool: "tool",
      operation: "op",
      access: "read",
      resource: "r",
      sensitivity: "internal",
      destination: "internal:x",
      destinationExternal: false,
      intentMatch: true,
      sessionAgeSeconds: 1,
      escalationCount: 0,
      denialCount: 0,
    };
    // Every leaf of the request, found by walking it, so a field added later is covered too.
    const leaves: string[][] = [];
    const walk = (o: object, path: string[]) => {
      for (const [k, v] of Object.entries(o)) (v && typeof v === "object" ? walk(v, [...path, k]) : leaves.push([...path, k]));
    };
    walk(base, []);
    expect(leaves.length).toBe(21);
    const key = requestKey(base);
    for (const path of leaves) {
      const copy = structuredClone(base) as unknown as Record<string, unknown>;
      let o = copy;
      for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
      const last = path[path.length - 1];
      const v = o[last];
      o[last] = typeof v === "boolean" ? !v : typeof v === "number" ? v + 1 : `${v}x`;
      expect(requestKey(copy as unknown as PolicyRequest), path.join(".")).not.toBe(key);
    }
    // An absent optional field differs from the text "null".
    expect(requestKey({ ...base, resource: undefined })).not.toBe(requestKey({ ...base, resource: "null" }));
  });
});
