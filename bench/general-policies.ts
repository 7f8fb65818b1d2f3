// General policy engine (issue 22): decisions/s and p50 / p99 of `GeneralEngine.decide` with 10
// and with 1,000 policies of one general namespace, on the same request stream, as bench/policy.ts
// does for agents. Target: 1,000 policies cost at most 1.5x what 10 do (bench/targets.ts).
//
// The shape, stated plainly: 40 resource types, 10 actions (5 of them in a `mutate` group), 200
// users in a 20-group hierarchy, 2,000 resources in a 30-folder tree. The 10 policies are a small
// organisation's: read for staff, writes by level, rules per action (deletes soft, updates with
// a ticket, admin asks a person), a few per type, folder or user, and one unscoped (archived
// records), so every request has some policy to evaluate. The 1,000 are those 10 plus 990
// generated in bench/policy.ts's proportions, a resource type standing for a connector: 50% one
// type x one action, 25% one type x the mutate group, 11.5% one resource, 4% one folder (any
// action), 5% one group x one type, 2% one user x mutate, 2% one action only, 0.5% unscoped;
// 55% permits, 45% forbids of which half escalate. Requests: each user works mostly in 3 types,
// reads dominate, 10% name ids the store does not hold, 30% carry properties over the store's.
// Measured: `decide` on requests already checked and merged (resolveGeneralRequest runs before
// the clock, and is timed on its own below), answer memo off, so every decision reaches Cedar.
import { compileGeneral, type GeneralEngine } from "../lib/policy/general/engine";
import { MemoryEntities, type EntityRecord } from "../lib/policy/general/memory-entities";
import { resolveGeneralRequest, type GeneralItem, type GeneralRequest } from "../lib/policy/general/request";
import { schemaModelFromText, type SchemaModel } from "../lib/policy/general/schema-model";
import type { PolicyInput } from "../lib/policy/cedar/sliced-core";
import { sliceCacheSize, sliceCacheStats } from "../lib/policy/cedar/slice-cache";
import { GENERAL_POLICY_TARGET, generalPolicyTargetLine } from "./targets";
import { seededRandom } from "../lib/prng";
import { pct, timeAlternating } from "./policy";

const TYPES = 40;
const GROUPS = 20;
const FOLDERS = 30;
const USERS = 200;
const PER_TYPE = 50;
const REQUESTS = 5_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ACTIONS = ["read", "list", "comment", "export", "approve", "write", "update", "delete", "share", "admin"] as const;
const MUTATE = ["write", "update", "delete", "share", "admin"];
const NS = "Bench";


const types = Array.from({ length: TYPES }, (_, i) => `t${i}`);
const SCHEMA = `namespace ${NS} {
  entity group in [group];
  entity user in [group] = { level: Long, dept: String, role?: String };
  entity folder in [folder];
  ${types.map((t) => `entity ${t} in [folder] = { status: String, level: Long, owner?: user, tags?: Set<String> };`).join("\n  ")}
  type Ctx = { action: { soft?: Bool }, ticket?: String };
  action mutate;
  action ${ACTIONS.filter((a) => !MUTATE.includes(a)).join(", ")} appliesTo { principal: [user], resource: [${types.join(", ")}], context: Ctx };
  action ${MUTATE.join(", ")} in [mutate] appliesTo { principal: [user], resource: [${types.join(", ")}], context: Ctx };
}`;

const A = (a: string) => `${NS}::Action::"${a}"`;
const policy = (id: string, text: string): PolicyInput => ({ id, text, enabled: true });

function small(): PolicyInput[] {
  return [
    policy("staff-read", `permit(principal in ${NS}::group::"g0", action in [${A("read")}, ${A("list")}, ${A("comment")}], resource);`),
    policy("level-writes", `permit(principal, action in ${A("mutate")}, resource) when { principal.level >= resource.level };`),
    policy("soft-delete", `@escalate("true")\nforbid(principal, action == ${A("delete")}, resource) unless { context.action has soft && context.action.soft };`),
    policy("archived", `forbid(principal, action, resource) when { resource.status == "archived" } unless { principal has role && principal.role == "admin" };`),
    policy("finance-export", `permit(principal, action == ${A("export")}, resource is ${NS}::t0) when { principal.dept == "finance" };`),
    policy("no-share-f1", `forbid(principal, action == ${A("share")}, resource in ${NS}::folder::"f1");`),
    policy("admin-asks", `@escalate("true")\n@risk("high")\nforbid(principal, action == ${A("admin")}, resource);`),
    policy("g3-approves", `permit(principal in ${NS}::group::"g3", action == ${A("approve")}, resource is ${NS}::t2);`),
    policy("u13-blocked", `forbid(principal == ${NS}::user::"u13", action, resource);`),
    policy("ticketed-updates", `@escalate("true")\nforbid(principal, action == ${A("update")}, resource) unless { context has ticket };`),
  ];
}

const CONDITIONS = [
  "",
  ` when { principal.level >= 2 }`,
  ` when { resource.status == "draft" }`,
  ` when { principal.dept == "eng" && resource.level > 1 }`,
  ` unless { context has ticket }`,
  ` when { resource has owner && resource.owner == principal }`,
  ` when { resource has tags && resource.tags.contains("pii") }`,
  ` when { context.action has soft && context.action.soft }`,
];

function large(): PolicyInput[] {
  const r = seededRandom(11);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const n = (k: number) => Math.floor(r() * k);
  const out = small();
  for (let i = 0; out.length < 1000; i++) {
    const k = r();
    let head: string;
    // The proportions of bench/policy.ts, with a resource type for a connector and a folder for
    // a connector's tools: per type x action, per type x group, per resource, per folder, per
    // principal group x type, per user x group, per action, unscoped.
    if (k < 0.5) head = `principal, action == ${A(pick(ACTIONS))}, resource is ${NS}::t${n(TYPES)}`;
    else if (k < 0.75) head = `principal, action in ${A("mutate")}, resource is ${NS}::t${n(TYPES)}`;
    else if (k < 0.865) head = `principal, action, resource == ${NS}::t${n(TYPES)}::"r${n(PER_TYPE)}"`;
    else if (k < 0.905) head = `principal, action, resource in ${NS}::folder::"f${n(FOLDERS)}"`;
    else if (k < 0.955) head = `principal in ${NS}::group::"g${n(GROUPS)}", action, resource is ${NS}::t${n(TYPES)}`;
    else if (k < 0.975) head = `principal == ${NS}::user::"u${n(USERS)}", action in ${A("mutate")}, resource`;
    else if (k < 0.995) head = `principal, action == ${A(pick(ACTIONS))}, resource`;
    else head = `principal, action, resource`;
    const forbid = r() < 0.45;
    const escalate = forbid && r() < 0.5 ? `@escalate("true")\n` : "";
    // Forbids always carry a condition (as in bench/policy.ts): an unconditional forbid over a
    // whole type or action would deny nearly every request, which no organisation runs.
    const condition = forbid ? pick(CONDITIONS.slice(1)) : pick(CONDITIONS);
    out.push(policy(`gen-${i}`, `${escalate}${forbid ? "forbid" : "permit"}(${head})${condition};`));
  }
  return out;
}

function store(): MemoryEntities {
  const r = seededRandom(5);
  const ref = (type: string, id: string) => ({ type: `${NS}::${type}`, id });
  const rows: EntityRecord[] = [];
  for (let g = 0; g < GROUPS; g++) rows.push({ namespace: NS, type: "group", id: `g${g}`, properties: {}, parents: g > 0 ? [ref("group", `g${Math.floor((g - 1) / 3)}`)] : [] });
  for (let u = 0; u < USERS; u++) {
    rows.push({
      namespace: NS,
      type: "user",
      id: `u${u}`,
      properties: { level: u % 4, dept: ["eng", "finance", "sales", "ops"][u % 4], ...(u % 17 === 0 ? { role: "admin" } : {}) },
      parents: [ref("group", `g${Math.floor(r() * GROUPS)}`), ...(r() < 0.3 ? [ref("group", `g${Math.floor(r() * GROUPS)}`)] : [])],
    });
  }
  for (let f = 0; f < FOLDERS; f++) rows.push({ namespace: NS, type: "folder", id: `f${f}`, properties: {}, parents: f > 0 ? [ref("folder", `f${Math.floor((f - 1) / 2)}`)] : [] });
  for (const t of types) {
    for (let i = 0; i < PER_TYPE; i++) {
      rows.push({
        namespace: NS,
        type: t,
        id: `r${i}`,
        properties: {
          status: ["active", "active", "draft", "archived"][Math.floor(r() * 4)],
          level: Math.floor(r() * 4),
          ...(r() < 0.5 ? { owner: { __entity: ref("user", `u${Math.floor(r() * USERS)}`) } } : {}),
          ...(r() < 0.2 ? { tags: ["pii"] } : {}),
        },
        parents: [ref("folder", `f${Math.floor(r() * FOLDERS)}`)],
      });
    }
  }
  return new MemoryEntities(rows);
}

/** Users mostly work in a few types of their own; reads dominate. */
function items(): GeneralItem[] {
  const r = seededRandom(7);
  const home = Array.from({ length: USERS }, () => Array.from({ length: 3 }, () => Math.floor(r() * TYPES)));
  const action = () => {
    const k = r();
    return k < 0.45 ? "read" : k < 0.6 ? "list" : k < 0.75 ? "write" : k < 0.8 ? "update" : k < 0.85 ? "delete" : ACTIONS[Math.floor(r() * ACTIONS.length)];
  };
  return Array.from({ length: REQUESTS }, () => {
    const u = Math.floor(r() * USERS);
    const t = r() < 0.9 ? home[u][Math.floor(r() * 3)] : Math.floor(r() * TYPES);
    const unknown = r() < 0.1;
    return {
      namespace: NS,
      subject: { type: "user", id: unknown && r() < 0.5 ? `ghost${u}` : `u${u}`, ...(r() < 0.3 ? { properties: { level: Math.floor(r() * 4), dept: "eng", device: "laptop" } } : {}) },
      action: { name: action(), ...(r() < 0.3 ? { properties: { soft: r() < 0.5 } } : {}) },
      resource: { type: `t${t}`, id: unknown ? `new${Math.floor(r() * 100)}` : `r${Math.floor(r() * PER_TYPE)}`, ...(r() < 0.3 ? { properties: { status: "active", level: 1 } } : {}) },
      ...(r() < 0.2 ? { context: { ticket: "T-1" } } : {}),
    };
  });
}


type Run = { name: string; policies: number; engine: GeneralEngine; samples: number[]; ms: number; evaluated: number };

export async function benchGeneralPolicies() {
  const parsed = schemaModelFromText(SCHEMA);
  if (!parsed.ok) throw new Error(`bench schema: ${parsed.errors.join("; ")}`);
  const model: SchemaModel = parsed.model;
  const entities = store();
  const raw = items();
  const resolveAll = () =>
    raw.map((item) => {
      const r = resolveGeneralRequest(model, entities, item);
      if (!r.ok) throw new Error(`bench request refused: ${JSON.stringify(r.issues)}`);
      return r.request;
    });
  resolveAll(); // warm: JIT and the store's ancestor memo
  const tr = performance.now();
  const reqs: GeneralRequest[] = resolveAll();
  console.log(`resolving (coercion, request over store, ancestors): ${(((performance.now() - tr) / raw.length) * 1000).toFixed(1)} µs per request, outside the figures below`);

  const runs: Run[] = [];
  for (const [name, set] of [["10 policies", small()], ["1,000 policies", large()]] as const) {
    const t = performance.now();
    const compiled = compileGeneral(set, model, NS, { memo: false });
    if (!compiled.ok) throw new Error(`bench policies do not compile: ${JSON.stringify(compiled.errors.slice(0, 3))}`);
    const compileMs = performance.now() - t;
    const run: Run = { name, policies: set.length, engine: compiled.engine, samples: [], ms: 0, evaluated: 0 };
    const misses = sliceCacheStats.misses;
    const outcomes = { allow: 0, deny: 0, escalate: 0 };
    const tw = performance.now();
    for (const q of reqs) {
      const d = compiled.engine.decide(q);
      run.evaluated += d.evaluated;
      outcomes[d.decision]++;
    }
    console.log(
      `${name}: compile ${compileMs.toFixed(0)} ms; warm-up ${reqs.length} decisions in ${(performance.now() - tw).toFixed(0)} ms, ` +
        `${sliceCacheStats.misses - misses} distinct slices, mean slice ${(run.evaluated / reqs.length).toFixed(1)} statements; outcomes ${JSON.stringify(outcomes)}`,
    );
    runs.push(run);
  }

  // Alternate the two engines round by round so machine noise hits both alike.
  const missesBefore = sliceCacheStats.misses;
  timeAlternating(runs, reqs, ROUNDS);
  const results = runs.map((run) => {
    const sorted = Float64Array.from(run.samples).sort();
    return { name: run.name, decisionsPerSecond: Math.round((run.samples.length / run.ms) * 1000), p50us: pct(sorted, 50) * 1000, p99us: pct(sorted, 99) * 1000, meanSlice: run.evaluated / reqs.length };
  });
  // A miss pre-parses the slice again (~60 µs per statement): more distinct slices than the cache
  // holds (slice-cache.ts) shows up here, not as a smaller figure elsewhere.
  console.log(`measured ${ROUNDS} x ${reqs.length} decisions per engine; slice cache misses while measuring: ${sliceCacheStats.misses - missesBefore} (${JSON.stringify(sliceCacheSize())})`);
  console.table(
    results.map((r) => ({ engine: r.name, "decisions/s": r.decisionsPerSecond, "p50 µs": r.p50us.toFixed(1), "p99 µs": r.p99us.toFixed(1), "mean slice": r.meanSlice.toFixed(1) })),
  );
  const [ten, thousand] = results;
  const ratio = { p50: thousand.p50us / ten.p50us, p99: thousand.p99us / ten.p99us, throughput: ten.decisionsPerSecond / thousand.decisionsPerSecond };
  console.log(`1,000 vs 10 policies: p50 x${ratio.p50.toFixed(2)}, p99 x${ratio.p99.toFixed(2)}`);
  console.log(generalPolicyTargetLine(ratio.throughput));

  const big = runs[1].engine;
  const unsliced: number[] = [];
  for (const q of reqs.slice(0, 300)) {
    const t = performance.now();
    big.decideUnsliced(q);
    unsliced.push(performance.now() - t);
  }
  const us = Float64Array.from(unsliced.slice(20)).sort(); // the first call pre-parses the whole set
  console.log(`unsliced 1,000 policies for comparison: p50 ${(pct(us, 50) * 1000).toFixed(0)} µs, p99 ${(pct(us, 99) * 1000).toFixed(0)} µs`);
  return { results, ratio, target: GENERAL_POLICY_TARGET.ratio };
}
