import { describe, expect, it } from "vitest";
import { compilePolicies, validatePolicyText, type PolicyDecision, type PolicyEngine, type PolicyInput } from "./engine";
import { GUARDRAILS, guardrailPolicies } from "./guardrails";
import { toCedarRequest, type PolicyRequest } from "./request";
import { ACCESS_KINDS, WARDEN_SCHEMA } from "./schema";
import { setSliceCacheLimits, sliceCacheSize } from "./slice-cache";
import { seededRandom } from "../../prng";

type Overrides = Partial<Omit<PolicyRequest, "agent" | "connector">> & {
  agent?: Partial<PolicyRequest["agent"]>;
  connector?: Partial<PolicyRequest["connector"]>;
};

function req(o: Overrides = {}): PolicyRequest {
  const { agent, connector, ...rest } = o;
  return {
    agent: { name: "billing-bot", riskTier: "medium", team: "finance", status: "active", identity: "spiffe://acme/billing", ...agent },
    connector: { name: "github", managed: true, kind: "saas_api", sensitivity: "internal", environment: "production", ...connector },
    tool: "issues",
    operation: "read",
    access: "read",
    sensitivity: "internal",
    destination: "internal:warehouse",
    destinationExternal: false,
    intentMatch: true,
    sessionAgeSeconds: 60,
    escalationCount: 0,
    denialCount: 0,
    ...rest,
  };
}

function compile(policies: PolicyInput[]): PolicyEngine {
  const r = compilePolicies(policies, WARDEN_SCHEMA);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.engine;
}

const p = (id: string, text: string, extra: Partial<PolicyInput> = {}): PolicyInput => ({ id, text, enabled: true, ...extra });
const PERMIT = p("permit-all", "permit(principal, action, resource);");
const prodDb = { name: "ledger-db", kind: "database", environment: "production", sensitivity: "confidential" };

describe("guardrails", () => {
  const engine = compile(guardrailPolicies());
  const outcome = (o: Overrides) => engine.decide(req(o));

  it("compile cleanly and each has a title and description", () => {
    expect(compilePolicies(guardrailPolicies(), WARDEN_SCHEMA)).toMatchObject({ ok: true, warnings: [] });
    for (const g of GUARDRAILS) expect(g.title.length * g.description.length).toBeGreaterThan(0);
  });

  it("baseline permit allows an ordinary call", () => {
    expect(outcome({})).toMatchObject({ decision: "allow", matched: [{ policyId: "baseline-permit", effect: "permit" }], reasons: [] });
  });

  it("restricted data to an external destination is denied", () => {
    const d = outcome({ sensitivity: "restricted", destination: "email:someone@gmail.com", destinationExternal: true });
    expect(d.decision).toBe("deny");
    expect(d.reasons).toEqual([{ code: "policy.forbid", message: "restricted data may not go to an external destination", policyId: "restricted-data-stays-internal" }]);
    expect(outcome({ sensitivity: "restricted", destinationExternal: false }).decision).toBe("allow");
    expect(outcome({ sensitivity: "confidential", destinationExternal: true }).decision).toBe("allow");
  });

  it("a low-tier agent changing a production database escalates; reads, other tiers and staging do not", () => {
    const low = { agent: { riskTier: "low" }, connector: prodDb, tool: "sql" };
    for (const access of ["write", "delete", "admin", "call"] as const) {
      const d = outcome({ ...low, access, operation: "update" });
      expect(d.decision, access).toBe("escalate");
      expect(d.reasons[0]).toMatchObject({ code: "policy.escalate", policyId: "low-tier-production-database-changes" });
    }
    expect(outcome({ ...low, access: "read" }).decision).toBe("allow");
    expect(outcome({ ...low, access: "write", agent: { riskTier: "high" } }).decision).toBe("allow");
    expect(outcome({ ...low, access: "write", connector: { ...prodDb, environment: "staging" } }).decision).toBe("allow");
    expect(outcome({ ...low, access: "write", connector: { ...prodDb, kind: "saas_api" } }).decision).toBe("allow");
  });

  it("an unmanaged connector escalates", () => {
    const d = outcome({ connector: { name: "pastebin", managed: false, kind: "other" } });
    expect(d).toMatchObject({ decision: "escalate", matched: [{ policyId: "unmanaged-connector-needs-person", effect: "forbid", escalate: true }] });
  });

  it("quarantined and retired agents are denied", () => {
    for (const status of ["quarantined", "retired", "something-new"]) {
      const d = outcome({ agent: { status } });
      expect(d.decision, status).toBe("deny");
      expect(d.matched).toEqual([{ policyId: "inactive-agent-denied", effect: "forbid", escalate: false }]);
    }
  });

  it("five denials in a session escalate", () => {
    expect(outcome({ denialCount: 4 }).decision).toBe("allow");
    expect(outcome({ denialCount: 5 })).toMatchObject({ decision: "escalate", reasons: [{ code: "policy.escalate", policyId: "repeated-denials-escalate" }] });
  });

  it("a deny guardrail beats an escalating one", () => {
    const d = outcome({ agent: { status: "quarantined" }, connector: { managed: false }, denialCount: 9 });
    expect(d.decision).toBe("deny");
    expect(d.reasons.map((r) => r.code).sort()).toEqual(["policy.escalate", "policy.escalate", "policy.forbid"]);
  });

  it("without the baseline permit nothing is allowed", () => {
    const e = compile(guardrailPolicies().map((g) => (g.id === "baseline-permit" ? { ...g, enabled: false } : g)));
    expect(e.decide(req())).toMatchObject({ decision: "deny", matched: [], reasons: [{ code: "policy.no_permit" }] });
  });
});

describe("decision rules", () => {
  const escalating = p("needs-person", `@escalate("true")\nforbid(principal, action == Warden::Action::"write", resource);`);
  const plain = p("no-github-writes", `forbid(principal, action == Warden::Action::"write", resource in Warden::Connector::"github");`);

  it("an @escalate forbid escalates", () => {
    const d = compile([PERMIT, escalating]).decide(req({ access: "write" }));
    expect(d).toEqual({
      decision: "escalate",
      matched: [{ policyId: "needs-person", effect: "forbid", escalate: true }],
      reasons: [{ code: "policy.escalate", message: `policy "needs-person" requires a person's approval`, policyId: "needs-person" }],
      evaluated: 2,
    });
  });

  it("a plain forbid beats an escalating one", () => {
    const d = compile([PERMIT, escalating, plain]).decide(req({ access: "write" }));
    expect(d.decision).toBe("deny");
    expect(d.reasons).toContainEqual({ code: "policy.forbid", message: `forbidden by policy "no-github-writes"`, policyId: "no-github-writes" });
    expect(d.reasons).toContainEqual(expect.objectContaining({ code: "policy.escalate", policyId: "needs-person" }));
  });

  it("onForbid on the record escalates its forbids; @escalate(\"false\") on a statement overrides it", () => {
    const text = `forbid(principal, action == Warden::Action::"write", resource);\n@escalate("false")\nforbid(principal, action == Warden::Action::"delete", resource);`;
    const e = compile([PERMIT, p("mixed", text, { onForbid: "escalate" })]);
    expect(e.decide(req({ access: "write" })).decision).toBe("escalate");
    expect(e.decide(req({ access: "delete" })).decision).toBe("deny");
  });

  it("a bare @escalate escalates; any other value is an error", () => {
    expect(compile([PERMIT, p("bare", `@escalate\nforbid(principal, action, resource);`)]).decide(req()).decision).toBe("escalate");
    const r = compilePolicies([p("typo", `permit(principal, action, resource);\n@escalate("yes")\nforbid(principal, action, resource);`)], WARDEN_SCHEMA);
    expect(r).toMatchObject({ ok: false, errors: [{ policyId: "typo", line: 2, column: 1 }] });
  });

  it("nothing matching means deny", () => {
    const e = compile([p("only-reads", `permit(principal, action == Warden::Action::"read", resource);`)]);
    expect(e.decide(req({ access: "read" })).decision).toBe("allow");
    expect(e.decide(req({ access: "write" }))).toEqual({
      decision: "deny",
      matched: [],
      reasons: [{ code: "policy.no_permit", message: "no policy permits this action" }],
      evaluated: 0,
    });
    expect(compile([]).decide(req()).decision).toBe("deny");
  });

  it("disabled policies are ignored, even when they do not compile", () => {
    const e = compile([PERMIT, { ...plain, enabled: false }, p("broken", "permit(", { enabled: false })]);
    expect(e.decide(req({ access: "write" })).decision).toBe("allow");
  });

  it("a forbid that cannot be evaluated counts as matching (fail closed)", () => {
    // Valid against the schema, but the entity is not part of the request: a runtime error.
    const odd = p("odd", `forbid(principal, action, resource) when { Warden::Agent::"someone-else".riskTier == "low" };`);
    const d = compile([PERMIT, odd]).decide(req());
    expect(d).toMatchObject({ decision: "deny", reasons: [{ code: "policy.forbid", policyId: "odd" }] });
    expect(d.reasons[0].message).not.toMatch(/someone-else/); // the cause is for the log, not the agent
    expect(d.evaluationErrors).toEqual([{ policyId: "odd", message: expect.stringMatching(/someone-else/) }]);
  });

  it("@reason becomes the message; operation and resource are in the context", () => {
    const e = compile([PERMIT, p("no-force-push", `@reason("force pushes are not allowed")\nforbid(principal, action, resource in Warden::Connector::"github")\nwhen { context.operation == "force_push" && context.resource like "acme/*" };`)]);
    expect(e.decide(req({ operation: "force_push", resource: "acme/api", access: "write" })).reasons[0].message).toBe("force pushes are not allowed");
    expect(e.decide(req({ operation: "force_push", resource: "other/api", access: "write" })).decision).toBe("allow");
  });
});

describe("errors with positions", () => {
  it("a syntax error is reported at its line and column", () => {
    const text = `// no writes\npermit(principal, action, resource);\nforbid(principal,\n  action == write, resource);`;
    const r = validatePolicyText(text, WARDEN_SCHEMA);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ line: 4, column: 13 });
    expect(r.errors[0].message).toMatch(/entity uid/);
  });

  it("a schema error is reported at its line and column, once", () => {
    const text = `permit(principal, action, resource)\nwhen {\n  context.sensitivityRank >= 2 &&\n  resource.connector.owner == "x"\n};`;
    const r = validatePolicyText(text, WARDEN_SCHEMA);
    expect(r).toMatchObject({ ok: false, errors: [{ line: 4, column: 3 }] });
    if (!r.ok) expect(r.errors[0].message).toMatch(/owner/);
  });

  it("positions count characters, not bytes, after non-ASCII text", () => {
    const text = `// Richtlinie für Datenbanken — ✓\npermit(principal, action, resource) when { context.sensitivity == 3 };`;
    const r = validatePolicyText(text, WARDEN_SCHEMA);
    expect(r).toMatchObject({ ok: false, errors: [{ line: 2, column: 44 }] });
  });

  it("compilePolicies names the policy and positions are relative to its own text", () => {
    const r = compilePolicies(
      [
        PERMIT,
        p("ünïcode", "// ✓✓✓\npermit(principal, action, resource);"),
        p("bad-attr", `forbid(principal, action, resource)\n  when { principal.clearance == "x" };`),
        p("bad-syntax", `forbid(principal, action, resource)\nwhen { context.denialCount >= };`),
        p("template", `permit(principal == ?principal, action, resource);`),
      ],
      WARDEN_SCHEMA,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.objectContaining({ policyId: "bad-syntax", line: 2, column: 31, message: "unexpected token `}`" }),
      expect.objectContaining({ policyId: "template", line: 1, column: 1 }),
      expect.objectContaining({ policyId: "bad-attr", line: 2, column: 10 }),
    ]);
  });

  it("valid text is ok; an impossible policy is a warning, not an error", () => {
    expect(validatePolicyText(`permit(principal, action, resource);`, WARDEN_SCHEMA)).toEqual({ ok: true, warnings: [] });
    const r = validatePolicyText(`forbid(principal, action, resource is Warden::Connector);`, WARDEN_SCHEMA);
    expect(r.ok).toBe(true);
    expect(r.warnings.length).toBeGreaterThan(0);
    expect(validatePolicyText("// nothing here", WARDEN_SCHEMA)).toMatchObject({ ok: false, errors: [{ line: 1, column: 1 }] });
  });
});

// --- slicing -------------------------------------------------------------------------------


const CONNECTORS = 200;
const AGENTS = 40;

/** 1,000 policies as an organisation writes them: per connector / tool, some per agent or action. */
function generatedPolicies(n: number, seed = 7): PolicyInput[] {
  const r = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const conditions = [
    "context.sensitivityRank >= 2",
    "context.denialCount >= 2",
    "principal.riskTier == \"low\"",
    "context.destinationExternal",
    "!context.intentMatch",
    "context.sessionAgeSeconds > 3600",
    "resource.connector.environment == \"production\"",
  ];
  const out: PolicyInput[] = [];
  for (let i = 0; i < n; i++) {
    const c = `c${i % CONNECTORS}`;
    const kind = r();
    let head: string;
    if (kind < 0.45) head = `principal, action == Warden::Action::"${pick(ACCESS_KINDS)}", resource in Warden::Connector::"${c}"`;
    else if (kind < 0.65) head = `principal, action, resource == Warden::Tool::"${c}:t${Math.floor(r() * 3)}"`;
    else if (kind < 0.75) head = `principal, action in [Warden::Action::"write", Warden::Action::"delete"], resource is Warden::Tool in Warden::Connector::"${c}"`;
    else if (kind < 0.85) head = `principal == Warden::Agent::"a${Math.floor(r() * AGENTS)}", action, resource in Warden::Connector::"${c}"`;
    else if (kind < 0.93) head = `principal == Warden::Agent::"a${Math.floor(r() * AGENTS)}", action in Warden::Action::"mutate", resource`;
    else if (kind < 0.985) head = `principal, action == Warden::Action::"${pick(ACCESS_KINDS)}", resource`;
    else head = `principal, action, resource`;
    const effect = r() < 0.75 ? "forbid" : "permit";
    const escalate = effect === "forbid" && r() < 0.4 ? `@escalate("true")\n` : "";
    out.push(p(`org-${i}`, `${escalate}${effect}(${head})\nwhen { ${pick(conditions)} };`));
  }
  return out;
}

function randomRequest(r: () => number): PolicyRequest {
  const c = r() < 0.9 ? `c${Math.floor(r() * CONNECTORS)}` : `elsewhere-${Math.floor(r() * 5)}`;
  return req({
    agent: { name: `a${Math.floor(r() * AGENTS)}`, riskTier: ["low", "medium", "high"][Math.floor(r() * 3)], status: r() < 0.05 ? "quarantined" : "active" },
    connector: { name: c, managed: r() < 0.95, kind: r() < 0.3 ? "database" : "saas_api", environment: r() < 0.6 ? "production" : "staging" },
    tool: `t${Math.floor(r() * 4)}`,
    access: ACCESS_KINDS[Math.floor(r() * ACCESS_KINDS.length)],
    sensitivity: (["public", "internal", "confidential", "restricted"] as const)[Math.floor(r() * 4)],
    destinationExternal: r() < 0.2,
    intentMatch: r() < 0.8,
    sessionAgeSeconds: Math.floor(r() * 7200),
    denialCount: Math.floor(r() * 7),
  });
}

const normalized = (d: PolicyDecision) => ({
  decision: d.decision,
  matched: [...d.matched].sort((a, b) => `${a.policyId}${a.effect}`.localeCompare(`${b.policyId}${b.effect}`)),
  reasons: [...d.reasons].sort((a, b) => `${a.policyId}${a.code}`.localeCompare(`${b.policyId}${b.code}`)),
});

describe("slicing", () => {
  const generated = generatedPolicies(1000);
  const engine = compile([...guardrailPolicies(), ...generated]);

  it("with 1,000 policies for other connectors, evaluates only the guardrails and this connector's", () => {
    const others = generatedPolicies(1200).filter((g) => /resource (in|==) |is Warden::Tool in/.test(g.text)).slice(0, 1000);
    expect(others).toHaveLength(1000);
    const own = [
      p("gh-reads", `forbid(principal, action == Warden::Action::"read", resource in Warden::Connector::"github") when { context.sensitivityRank >= 3 };`),
      p("gh-writes", `forbid(principal, action == Warden::Action::"write", resource in Warden::Connector::"github") when { context.destinationExternal };`),
      p("gh-issues", `@escalate("true") forbid(principal, action, resource == Warden::Tool::"github:issues") when { !context.intentMatch };`),
    ];
    const e = compile([...guardrailPolicies(), ...others, ...own]);
    expect(e.size).toBe(1009);
    // A read skips the guardrail scoped to `mutate`: 5 guardrails + gh-reads + gh-issues.
    expect(e.decide(req({ access: "read" }))).toMatchObject({ decision: "allow", evaluated: 5 + 2 });
    expect(e.decide(req({ access: "read", sensitivity: "restricted" }))).toMatchObject({ decision: "deny", matched: [{ policyId: "gh-reads" }], evaluated: 7 });
    expect(e.decide(req({ access: "write", tool: "repo" }))).toMatchObject({ decision: "allow", evaluated: 6 + 1 });
    expect(e.decide(req({ intentMatch: false }))).toMatchObject({ decision: "escalate", evaluated: 7 });
  });

  it("evaluates only the handful of policies that can apply", () => {
    expect(engine.size).toBe(1006);
    const unconstrained = generated.filter((g) => g.text.includes("(principal, action, resource)")).length;
    // A connector nobody wrote a policy for: guardrails plus the org's unscoped policies for this action.
    const elsewhere = engine.decide(req({ connector: { name: "nowhere" } }));
    expect(elsewhere.evaluated).toBeLessThanOrEqual(6 + unconstrained + 15);
    let max = 0;
    const r = seededRandom(1);
    for (let i = 0; i < 200; i++) max = Math.max(max, engine.decide(randomRequest(r)).evaluated);
    expect(max).toBeLessThan(40);
    expect(engine.decideUnsliced(req()).evaluated).toBe(1006);
  });

  // Without the guardrails, slices name few attributes, so requests are pruned hard (see
  // toCedarRequest): the unsliced reference always gets the request in full.
  const bare = compile([PERMIT, p("has-team", "forbid(principal, action, resource in Warden::Connector::\"c3\") when { principal has team && context has resource };"), ...generated]);

  it.each([
    ["with the guardrails", engine],
    ["without them (heavily pruned requests)", bare],
  ])("decides exactly as the unsliced set on random requests, %s", (_name, e) => {
    const r = seededRandom(42);
    const outcomes = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const request = randomRequest(r);
      const sliced = e.decide(request);
      expect(normalized(sliced), JSON.stringify(request)).toEqual(normalized(e.decideUnsliced(request)));
      outcomes.add(sliced.decision);
    }
    // The sample exercises every outcome, so equality above is not vacuous.
    expect([...outcomes].sort()).toEqual(["allow", "deny", "escalate"]);
  });

  it("stays correct when the slice cache is tiny (slots are evicted and reused)", () => {
    setSliceCacheLimits({ slices: 3, statements: 2_000 }); // room for the unsliced reference
    try {
      const r = seededRandom(9);
      for (let i = 0; i < 60; i++) {
        const request = randomRequest(r);
        expect(normalized(engine.decide(request))).toEqual(normalized(engine.decideUnsliced(request)));
      }
      expect(sliceCacheSize().slices).toBeLessThanOrEqual(3);
    } finally {
      setSliceCacheLimits({ slices: 2048, statements: 32_768 });
    }
  });

  it("prunes what no policy in the slice names", () => {
    const full = toCedarRequest(req());
    expect(full.entities).toHaveLength(3);
    expect(Object.keys(full.context)).toHaveLength(11);
    const pruned = toCedarRequest(req(), new Set(["principal", "riskTier", "denialCount"]));
    expect(pruned.context).toEqual({ riskTier: "medium", denialCount: 0 });
    expect(pruned.entities).toEqual([
      { uid: { type: "Warden::Tool", id: "github:issues" }, attrs: {}, parents: [{ type: "Warden::Connector", id: "github" }] },
      { uid: { type: "Warden::Agent", id: "billing-bot" }, attrs: { riskTier: "medium" }, parents: [] },
    ]);
  });

  it("matches scope exactly: per-agent, per-tool, action groups and `is ... in`", () => {
    const e = compile([
      PERMIT,
      p("agent", `forbid(principal == Warden::Agent::"a1", action, resource);`),
      p("agent-in", `forbid(principal in Warden::Agent::"a2", action, resource);`),
      p("tool", `forbid(principal, action, resource == Warden::Tool::"github:repo");`),
      p("group", `forbid(principal, action in Warden::Action::"mutate", resource is Warden::Tool in Warden::Connector::"crm");`),
    ]);
    expect(e.decide(req({ agent: { name: "a1" } }))).toMatchObject({ decision: "deny", evaluated: 2 });
    // No agent attribute is named, so the agent entity is not even sent: `in` still holds.
    expect(e.decide(req({ agent: { name: "a2" } }))).toMatchObject({ decision: "deny", evaluated: 2 });
    expect(e.decide(req({ tool: "repo" }))).toMatchObject({ decision: "deny", evaluated: 2 });
    expect(e.decide(req({ connector: { name: "crm" }, access: "call" }))).toMatchObject({ decision: "deny", evaluated: 2 });
    expect(e.decide(req({ connector: { name: "crm" }, access: "read" }))).toMatchObject({ decision: "allow", evaluated: 1 });
  });
});
