import { describe, expect, it } from "vitest";
import type { PolicyDecision, PolicyInput } from "../cedar/sliced-core";
import { CERTIFICATION_ENTITIES, CERTIFICATION_POLICIES, CERTIFICATION_SCHEMA } from "./certification-fixture";
import { compileGeneral, type GeneralEngine } from "./engine";
import { MemoryEntities, type EntityRecord } from "./memory-entities";
import { resolveGeneralRequest, type EntityLookup, type GeneralItem, type GeneralRequest } from "./request";
import { schemaModelFromText, type SchemaModel } from "./schema-model";
import { seededRandom } from "../../prng";

function model(text: string): SchemaModel {
  const r = schemaModelFromText(text);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.model;
}

function compile(policies: PolicyInput[], m: SchemaModel, ns: string, memo = true): GeneralEngine {
  const r = compileGeneral(policies, m, ns, { memo });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.engine;
}

function resolve(m: SchemaModel, store: EntityLookup, item: GeneralItem): GeneralRequest {
  const r = resolveGeneralRequest(m, store, item);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.request;
}

const p = (id: string, text: string): PolicyInput => ({ id, text, enabled: true });

describe("the certification fixture through GeneralEngine", () => {
  const cert = model(CERTIFICATION_SCHEMA);
  const store = new MemoryEntities(CERTIFICATION_ENTITIES);
  const engine = compile(CERTIFICATION_POLICIES, cert, "Certification");
  type Side = { id: string; properties?: Record<string, unknown> };
  const request = (subject: Side, action: string, resource: Side, actionProps?: Record<string, unknown>) =>
    resolve(cert, store, {
      namespace: "Certification",
      subject: { type: "user", ...subject },
      action: { name: action, ...(actionProps ? { properties: actionProps } : {}) },
      resource: { type: "record", ...resource },
    });
  const decide = (subject: Side, action: string, resource: Side, actionProps?: Record<string, unknown>) => engine.decide(request(subject, action, resource, actionProps));

  it.each([
    ["1: alice reads record-1", { id: "alice" }, "read", { id: "record-1" }, undefined, "allow", ["cert-read"]],
    ["2: alice writes record-1", { id: "alice" }, "write", { id: "record-1" }, undefined, "allow", ["cert-write-alice"]],
    ["3: bob reads record-1", { id: "bob" }, "read", { id: "record-1" }, undefined, "allow", ["cert-read"]],
    ["4: bob (stored admin) does not write active record-1", { id: "bob" }, "write", { id: "record-1" }, undefined, "deny", []],
    ["5: alice may not write an archived record", { id: "alice" }, "write", { id: "record-2", properties: { status: "archived" } }, undefined, "deny", ["cert-archived-needs-admin"]],
    ["6: an admin writes an archived record", { id: "bob", properties: { role: "admin" } }, "write", { id: "record-2", properties: { status: "archived" } }, undefined, "allow", ["cert-write-archived-admin"]],
    ["7: soft delete", { id: "alice" }, "delete", { id: "record-1" }, { soft: true }, "allow", ["cert-soft-delete"]],
    ["8: hard delete", { id: "alice" }, "delete", { id: "record-1" }, { soft: false }, "deny", []],
  ] as const)("rule %s", (_name, subject, action, resource, actionProps, decision, matched) => {
    const d = decide(subject, action, resource, actionProps);
    expect(d.decision).toBe(decision);
    expect(d.matched.map((m) => m.policyId)).toEqual(matched);
    expect(normalized(d)).toEqual(normalized(engine.decideUnsliced(request(subject, action, resource, actionProps))));
  });

  it("the deny of rule 5 comes from the request's status, not the record's id (request over store)", () => {
    expect(decide({ id: "alice" }, "write", { id: "record-1", properties: { status: "archived" } }).decision).toBe("deny");
    expect(decide({ id: "alice" }, "write", { id: "record-2", properties: { status: "active" } }).decision).toBe("allow");
    // Stored archived, nothing in the request: the store decides.
    expect(decide({ id: "alice" }, "write", { id: "record-2" }).decision).toBe("deny");
  });

  it("C-2-2-8: additional properties are ignored; a manager still reads", () => {
    const r = resolveGeneralRequest(cert, store, {
      namespace: "Certification",
      subject: { type: "user", id: "alice", properties: { department: "Sales", role: "manager" } },
      action: { name: "read", properties: { method: "GET" } },
      resource: { type: "record", id: "record-1", properties: { status: "active", owner: "bob" } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(engine.decide(r.request).decision).toBe("allow");
  });

  it("an unknown subject has no staff parent: it reads nothing and writes nothing (C-4-6-1)", () => {
    for (const action of ["read", "write", "delete"]) expect(decide({ id: "nonexistent-user" }, action, { id: "record-1" }, { soft: true }).decision).toBe("deny");
  });

  it("slices: a read evaluates only the read policy, not the writes", () => {
    expect(decide({ id: "alice" }, "read", { id: "record-1" }).evaluated).toBe(1);
    expect(decide({ id: "alice" }, "write", { id: "record-1" }).evaluated).toBe(3);
    expect(engine.decideUnsliced(resolve(cert, store, { namespace: "Certification", subject: { type: "user", id: "alice" }, action: { name: "read" }, resource: { type: "record", id: "record-1" } })).evaluated).toBe(5);
  });
});

const DOCS = model(`namespace Docs {
  entity group in [group];
  entity user in [group] = { role?: String, level: Long };
  entity folder in [folder] = { status?: String, owner?: user };
  entity doc in [folder] = { status?: String, owner?: user, level?: Long };
  type Ctx = { action: { soft?: Bool }, ticket?: String };
  action mutate;
  action read appliesTo { principal: [user], resource: [doc, folder], context: Ctx };
  action write, delete in [mutate] appliesTo { principal: [user], resource: [doc, folder], context: Ctx };
}`);

describe("escalation needs a permit", () => {
  const store = new MemoryEntities([{ namespace: "Docs", type: "doc", id: "d", properties: {}, parents: [] }]);
  const req = (action: string, ticket?: string) =>
    resolve(DOCS, store, { namespace: "Docs", subject: { type: "user", id: "u" }, action: { name: action }, resource: { type: "doc", id: "d" }, ...(ticket ? { context: { ticket } } : {}) });
  const escalating = p("needs-ticket", `@escalate("true")\n@reason("changes need a ticket")\nforbid(principal, action in Docs::Action::"mutate", resource) unless { context has ticket };`);
  const permitWrites = p("writes", `permit(principal, action == Docs::Action::"write", resource);`);
  const engine = compile([escalating, permitWrites, p("plain", `forbid(principal, action, resource is Docs::doc) when { context has ticket && context.ticket == "blocked" };`)], DOCS, "Docs");

  it("an escalating forbid with a matching permit escalates", () => {
    expect(engine.decide(req("write"))).toEqual({
      decision: "escalate",
      matched: [{ policyId: "needs-ticket", effect: "forbid", escalate: true }],
      reasons: [{ code: "policy.escalate", message: "changes need a ticket", policyId: "needs-ticket" }],
      evaluated: 3,
    });
  });

  it("without a permit it denies, and the reasons do not promise an approval", () => {
    const d = engine.decide(req("delete"));
    expect(d.decision).toBe("deny");
    expect(d.matched).toEqual([{ policyId: "needs-ticket", effect: "forbid", escalate: true }]);
    expect(d.reasons).toEqual([
      { code: "policy.forbid", message: "changes need a ticket", policyId: "needs-ticket" },
      { code: "policy.no_permit", message: "no policy permits this action" },
    ]);
  });

  it("a plain forbid beside it denies; with the ticket the permit allows", () => {
    expect(engine.decide(req("write", "blocked")).decision).toBe("deny");
    expect(engine.decide(req("write", "T-1"))).toMatchObject({ decision: "allow", matched: [{ policyId: "writes" }] });
  });

  it("the agent engine's rule is unchanged: there the forbids alone escalate (its baseline permit is always there)", () => {
    // Same statements through the general engine without the permit: deny (covered above). The
    // agent rule is pinned by lib/policy/cedar/engine.test.ts, which runs on the same core.
    expect(compile([escalating], DOCS, "Docs").decide(req("write")).decision).toBe("deny");
  });
});

describe("@risk", () => {
  const store = new MemoryEntities();
  const req = resolve(DOCS, store, { namespace: "Docs", subject: { type: "user", id: "u" }, action: { name: "write" }, resource: { type: "doc", id: "d" } });
  const permit = p("all", `permit(principal, action, resource);`);

  it('"high" on a matching escalating forbid is reported on the decision and the match', () => {
    const d = compile([permit, p("big", `@escalate\n@risk("high")\nforbid(principal, action, resource);`), p("small", `@escalate\nforbid(principal, action, resource);`)], DOCS, "Docs").decide(req);
    expect(d.decision).toBe("escalate");
    expect(d.risk).toBe("high");
    expect([...d.matched].sort((a, b) => a.policyId.localeCompare(b.policyId))).toEqual([
      { policyId: "big", effect: "forbid", escalate: true, risk: "high" },
      { policyId: "small", effect: "forbid", escalate: true },
    ]);
  });

  it('"low", or no annotation, is not high risk; nor is a deny', () => {
    expect(compile([permit, p("x", `@escalate\n@risk("low")\nforbid(principal, action, resource);`)], DOCS, "Docs").decide(req)).not.toHaveProperty("risk");
    const denied = compile([permit, p("x", `@escalate\n@risk("high")\nforbid(principal, action, resource);`), p("y", `forbid(principal, action, resource);`)], DOCS, "Docs").decide(req);
    expect(denied.decision).toBe("deny");
    expect(denied).not.toHaveProperty("risk");
  });

  it("an unknown value is an error; on a statement that cannot escalate it is a warning", () => {
    const bad = compileGeneral([p("x", `@escalate\n@risk("extreme")\nforbid(principal, action, resource);`)], DOCS, "Docs");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors).toEqual([expect.objectContaining({ policyId: "x", message: '@risk must be "high" or "low", not "extreme"', line: 1 })]);
    const odd = compileGeneral([p("y", `@risk("high")\npermit(principal, action, resource);`)], DOCS, "Docs");
    expect(odd.ok && odd.warnings.map((w) => w.message)).toEqual(["@risk only matters on a forbid that escalates; it is ignored here"]);
  });

  it("policies are validated against the namespace's schema", () => {
    const r = compileGeneral([p("typo", `permit(principal, action, resource) when { principal.rank == 1 };`)], DOCS, "Docs");
    expect(r.ok).toBe(false);
    expect(compileGeneral([permit], DOCS, "Nope").ok).toBe(false);
  });
});

// ---- sliced == unsliced on seeded random requests over a generated policy set ----


const GROUPS = 6;
const USERS = 20;
const FOLDERS = 6;
const DOCS_N = 30;
const ACTIONS = ["read", "write", "delete"] as const;
const CONDITIONS = [
  "",
  ` when { principal has level && principal.level >= 2 }`,
  ` when { principal has role && principal.role == "admin" }`,
  ` when { resource has status && resource.status == "archived" }`,
  ` when { context.action has soft && context.action.soft }`,
  ` unless { context has ticket }`,
  ` when { resource has owner && resource.owner.level > 2 }`,
  ` when { principal.level >= 3 }`,
  ` when { resource has owner && resource.owner in Docs::group::"g1" }`,
  ` when { principal in Docs::group::"g2" }`,
  ` when { resource has owner && resource.owner == principal }`,
];

function generatedPolicies(n: number, r: () => number): PolicyInput[] {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const out: PolicyInput[] = [];
  for (let i = 0; i < n; i++) {
    const k = r();
    const principal =
      k < 0.4 ? "principal" : k < 0.6 ? `principal in Docs::group::"g${Math.floor(r() * GROUPS)}"` : k < 0.8 ? `principal == Docs::user::"u${Math.floor(r() * USERS)}"` : k < 0.9 ? "principal is Docs::user" : `principal is Docs::user in Docs::group::"g${Math.floor(r() * GROUPS)}"`;
    const a = r();
    const action = a < 0.2 ? "action" : a < 0.7 ? `action == Docs::Action::"${pick(ACTIONS)}"` : a < 0.85 ? `action in Docs::Action::"mutate"` : `action in [Docs::Action::"read", Docs::Action::"${pick(ACTIONS)}"]`;
    const rs = r();
    const resource =
      rs < 0.2 ? "resource" : rs < 0.45 ? `resource == Docs::doc::"d${Math.floor(r() * DOCS_N)}"` : rs < 0.7 ? `resource in Docs::folder::"f${Math.floor(r() * FOLDERS)}"` : rs < 0.85 ? `resource is ${pick(["Docs::doc", "Docs::folder"])}` : `resource is Docs::doc in Docs::folder::"f${Math.floor(r() * FOLDERS)}"`;
    const e = r();
    const effect = e < 0.55 ? "permit" : "forbid";
    const escalate = effect === "forbid" && r() < 0.5 ? `@escalate("true")\n${r() < 0.3 ? '@risk("high")\n' : ""}` : "";
    out.push(p(`gen-${i}`, `${escalate}${effect}(${principal}, ${action}, ${resource})${pick(CONDITIONS)};`));
  }
  return out;
}

function generatedStore(r: () => number): EntityRecord[] {
  const out: EntityRecord[] = [];
  const ref = (type: string, id: string) => ({ type: `Docs::${type}`, id });
  for (let g = 0; g < GROUPS; g++) out.push({ namespace: "Docs", type: "group", id: `g${g}`, properties: {}, parents: g === 4 ? [ref("group", "g5")] : g === 5 ? [ref("group", "g4"), ref("group", "g0")] : g > 0 ? [ref("group", `g${g - 1}`)] : [] });
  for (let u = 0; u < USERS; u++) {
    // level is required: unguarded reads of it error on ids the store does not hold, alike.
    const properties: EntityRecord["properties"] = { level: Math.floor(r() * 5) };
    if (r() < 0.3) properties.role = r() < 0.5 ? "admin" : "staff";
    out.push({ namespace: "Docs", type: "user", id: `u${u}`, properties, parents: r() < 0.8 ? [ref("group", `g${Math.floor(r() * GROUPS)}`)] : [] });
  }
  for (let f = 0; f < FOLDERS; f++) out.push({ namespace: "Docs", type: "folder", id: `f${f}`, properties: { status: r() < 0.3 ? "archived" : "active" }, parents: f > 1 ? [ref("folder", `f${Math.floor(f / 2)}`)] : [] });
  for (let d = 0; d < DOCS_N; d++) {
    const properties: EntityRecord["properties"] = {};
    if (r() < 0.5) properties.status = r() < 0.4 ? "archived" : "active";
    // Some owners are not in the store (u90+): attribute access on them errors, and must error alike.
    if (r() < 0.6) properties.owner = { __entity: { type: "Docs::user", id: `u${Math.floor(r() * (USERS + 4)) + (r() < 0.1 ? 90 : 0)}` } };
    out.push({ namespace: "Docs", type: "doc", id: `d${d}`, properties, parents: r() < 0.85 ? [ref("folder", `f${Math.floor(r() * FOLDERS)}`)] : [] });
  }
  return out;
}

function randomItem(r: () => number): GeneralItem {
  const subject: GeneralItem["subject"] = { type: "user", id: `u${Math.floor(r() * (USERS + 3))}` };
  if (r() < 0.3) subject.properties = { ...(r() < 0.5 ? { level: Math.floor(r() * 5) } : {}), ...(r() < 0.5 ? { role: "admin" } : {}), department: "x" };
  const folder = r() < 0.2;
  const resource: GeneralItem["resource"] = { type: folder ? "folder" : "doc", id: folder ? `f${Math.floor(r() * FOLDERS)}` : `d${Math.floor(r() * (DOCS_N + 3))}` };
  if (r() < 0.3) resource.properties = { status: r() < 0.5 ? "archived" : "active", ...(r() < 0.3 ? { owner: `u${Math.floor(r() * USERS)}` } : {}) };
  const action = ACTIONS[Math.floor(r() * ACTIONS.length)];
  return {
    namespace: "Docs",
    subject,
    action: { name: action, ...(r() < 0.5 ? { properties: { soft: r() < 0.5 } } : {}) },
    resource,
    ...(r() < 0.3 ? { context: { ticket: "T" } } : {}),
  };
}

const normalized = (d: PolicyDecision) => ({
  decision: d.decision,
  risk: d.risk,
  matched: [...d.matched].sort((a, b) => `${a.policyId}${a.effect}`.localeCompare(`${b.policyId}${b.effect}`)),
  reasons: [...d.reasons].sort((a, b) => `${a.policyId}${a.code}`.localeCompare(`${b.policyId}${b.code}`)),
  errors: (d.evaluationErrors ?? []).map((e) => e.policyId).sort(),
});

describe("slicing", () => {
  const policies = generatedPolicies(300, seededRandom(3));
  const store = new MemoryEntities(generatedStore(seededRandom(4)));

  it.each([
    ["with the memo", true],
    ["without it (every request evaluated)", false],
  ])("decides exactly as the unsliced set on 2,000 random requests, %s", (_name, memo) => {
    const engine = compile(policies, DOCS, "Docs", memo);
    expect(engine.size).toBe(300);
    const r = seededRandom(memo ? 42 : 43);
    const outcomes = new Set<string>();
    let evaluated = 0;
    let risky = 0;
    let errored = 0;
    for (let i = 0; i < 2000; i++) {
      const request = resolve(DOCS, store, randomItem(r));
      const sliced = engine.decide(request);
      expect(normalized(sliced), JSON.stringify(request)).toEqual(normalized(engine.decideUnsliced(request)));
      outcomes.add(sliced.decision);
      evaluated += sliced.evaluated;
      if (sliced.risk) risky++;
      if (sliced.evaluationErrors) errored++;
    }
    // The sample exercises every outcome, high risk and evaluation errors, so equality is not vacuous…
    expect([...outcomes].sort()).toEqual(["allow", "deny", "escalate"]);
    expect(risky).toBeGreaterThan(0);
    expect(errored).toBeGreaterThan(0);
    // …and the slices are much smaller than the set, so slicing was actually exercised.
    expect(evaluated / 2000).toBeLessThan(300 / 3);
  });

  it("composite buckets: with many types and actions, a request meets only its own resource × action", () => {
    const many = model(`namespace Many {
      entity user;
      ${Array.from({ length: 20 }, (_, i) => `entity t${i};`).join("\n")}
      action ${Array.from({ length: 10 }, (_, i) => `a${i}`).join(", ")} appliesTo { principal: [user], resource: [${Array.from({ length: 20 }, (_, i) => `t${i}`).join(", ")}] };
    }`);
    const set: PolicyInput[] = [];
    for (let t = 0; t < 20; t++) for (let a = 0; a < 10; a++) set.push(p(`t${t}-a${a}`, `permit(principal, action == Many::Action::"a${a}", resource is Many::t${t});`));
    const engine = compile(set, many, "Many");
    const d = engine.decide(resolve(many, new MemoryEntities(), { namespace: "Many", subject: { type: "user", id: "u" }, action: { name: "a3" }, resource: { type: "t7", id: "x" } }));
    expect(d).toMatchObject({ decision: "allow", matched: [{ policyId: "t7-a3" }], evaluated: 1 });
  });
});
