// Policy engine (decision step 4): decisions/s and p50 / p99 of `engine.decide` with 10 and with
// 1,000 policies, on the same request stream. The 1,000 are shaped like a real organisation's:
// almost all scoped to one connector or tool, a few per agent or per action, a handful unscoped.
// Target: 1,000 policies cost at most 2x what 10 do (slicing keeps Cedar's input small).
// Run: npx tsx -e 'import("./bench/policy.ts").then(m=>m.benchPolicies())'
import { compilePolicies, type PolicyEngine, type PolicyInput } from "../lib/policy/cedar/engine";
import { guardrailPolicies } from "../lib/policy/cedar/guardrails";
import type { PolicyRequest } from "../lib/policy/cedar/request";
import { sliceCacheSize, sliceCacheStats } from "../lib/policy/cedar/slice-cache";
import { ACCESS_KINDS, type AccessKind } from "../lib/policy/cedar/schema";
import { seededRandom } from "../lib/prng";

const CONNECTORS = 250;
const AGENTS = 100;
const REQUESTS = 5_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);


const CONDITIONS = [
  "context.sensitivityRank >= 2",
  "context.destinationExternal && context.sensitivityRank >= 1",
  'principal.riskTier == "low"',
  "!context.intentMatch",
  "context.sessionAgeSeconds > 3600",
  'resource.connector.environment == "production" && principal.team != "platform"',
  'context.operation like "*force*"',
];

const policy = (id: string, text: string): PolicyInput => ({ id, text, enabled: true });

/** 6 guardrails + 4 organisation policies. */
function small(): PolicyInput[] {
  return [
    ...guardrailPolicies(),
    policy("c0-writes", `forbid(principal, action == Warden::Action::"write", resource in Warden::Connector::"c0")\nwhen { context.sensitivityRank >= 2 };`),
    policy("c1-tool", `@escalate("true")\nforbid(principal, action in Warden::Action::"mutate", resource == Warden::Tool::"c1:t0")\nwhen { principal.riskTier != "high" };`),
    policy("c2-deletes", `forbid(principal, action == Warden::Action::"delete", resource in Warden::Connector::"c2")\nwhen { context.sessionAgeSeconds > 3600 };`),
    policy("drift", `@escalate("true")\nforbid(principal, action, resource)\nwhen { !context.intentMatch && context.sensitivityRank >= 2 };`),
  ];
}

/** 6 guardrails + 994 organisation policies. */
function large(): PolicyInput[] {
  const r = seededRandom(11);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const out = guardrailPolicies();
  for (let i = 0; out.length < 1000; i++) {
    const c = `c${Math.floor(r() * CONNECTORS)}`;
    const k = r();
    let head: string;
    if (k < 0.5) head = `principal, action == Warden::Action::"${pick(ACCESS_KINDS)}", resource in Warden::Connector::"${c}"`;
    else if (k < 0.75) head = `principal, action in Warden::Action::"mutate", resource in Warden::Connector::"${c}"`;
    else if (k < 0.865) head = `principal, action, resource == Warden::Tool::"${c}:t${Math.floor(r() * 3)}"`;
    else if (k < 0.905) head = `principal, action, resource in Warden::Connector::"${c}"`;
    else if (k < 0.955) head = `principal == Warden::Agent::"a${Math.floor(r() * AGENTS)}", action, resource in Warden::Connector::"${c}"`;
    else if (k < 0.975) head = `principal == Warden::Agent::"a${Math.floor(r() * AGENTS)}", action in Warden::Action::"mutate", resource`;
    else if (k < 0.995) head = `principal, action == Warden::Action::"${pick(ACCESS_KINDS)}", resource`;
    else head = `principal, action, resource`;
    const escalate = r() < 0.4 ? `@escalate("true")\n` : "";
    out.push(policy(`org-${i}`, `${escalate}forbid(${head})\nwhen { ${pick(CONDITIONS)} };`));
  }
  return out;
}

/** Agents mostly work with their own few connectors; reads dominate. */
function requests(): PolicyRequest[] {
  const r = seededRandom(5);
  const home = Array.from({ length: AGENTS }, () => Array.from({ length: 4 }, () => Math.floor(r() * CONNECTORS)));
  const access = (): AccessKind => {
    const k = r();
    return k < 0.6 ? "read" : k < 0.85 ? "write" : k < 0.9 ? "delete" : k < 0.95 ? "admin" : "call";
  };
  return Array.from({ length: REQUESTS }, () => {
    const a = Math.floor(r() * AGENTS);
    const c = r() < 0.9 ? home[a][Math.floor(r() * 4)] : Math.floor(r() * CONNECTORS);
    return {
      agent: { name: `a${a}`, riskTier: ["low", "medium", "high"][a % 3], team: a % 5 ? "product" : "platform", status: "active", identity: `spiffe://acme/a${a}` },
      connector: { name: `c${c}`, managed: c % 40 !== 0, kind: c % 4 ? "saas_api" : "database", sensitivity: "internal", environment: c % 3 ? "production" : "staging" },
      tool: `t${Math.floor(r() * 3)}`,
      operation: r() < 0.01 ? "force_push" : "op",
      access: access(),
      sensitivity: (["public", "internal", "confidential", "restricted"] as const)[Math.floor(r() * 4)],
      destination: "internal:warehouse",
      destinationExternal: r() < 0.1,
      intentMatch: r() < 0.95,
      sessionAgeSeconds: Math.floor(r() * 7200),
      escalationCount: 0,
      denialCount: Math.floor(r() * 3),
    };
  });
}

/**
 * Times each engine on every request, `rounds` times, alternating the engines round by round so
 * machine noise hits them alike: each decision's time goes to its run's samples, each round's to ms.
 */
export function timeAlternating<Q>(runs: { engine: { decide(q: Q): unknown }; samples: number[]; ms: number }[], reqs: readonly Q[], rounds: number): void {
  for (let round = 0; round < rounds; round++) {
    for (const run of runs) {
      const t0 = performance.now();
      for (const q of reqs) {
        const t = performance.now();
        run.engine.decide(q);
        run.samples.push(performance.now() - t);
      }
      run.ms += performance.now() - t0;
    }
  }
}

export function pct(sorted: Float64Array, p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

type Run = { name: string; policies: number; engine: PolicyEngine; samples: number[]; ms: number; evaluated: number };

export async function benchPolicies() {
  const reqs = requests();
  const runs: Run[] = [];
  for (const [name, set] of [["10 policies", small()], ["1,000 policies", large()]] as const) {
    const t = performance.now();
    // Raw evaluation cost: the answer memo (on in production) would turn replays into lookups.
    const compiled = compilePolicies(set, undefined, { memo: false });
    if (!compiled.ok) throw new Error(`bench policies do not compile: ${JSON.stringify(compiled.errors.slice(0, 3))}`);
    const compileMs = performance.now() - t;
    const run: Run = { name, policies: set.length, engine: compiled.engine, samples: [], ms: 0, evaluated: 0 };
    // Warm-up: every distinct slice of the request stream gets pre-parsed once (steady state).
    const misses = sliceCacheStats.misses;
    const tw = performance.now();
    for (const q of reqs) run.evaluated += compiled.engine.decide(q).evaluated;
    console.log(
      `${name}: compile ${compileMs.toFixed(0)} ms; warm-up ${reqs.length} decisions in ${(performance.now() - tw).toFixed(0)} ms, ` +
        `${sliceCacheStats.misses - misses} distinct slices, mean slice ${(run.evaluated / reqs.length).toFixed(1)} statements`,
    );
    runs.push(run);
  }

  // Alternate the two engines round by round so machine noise hits both alike.
  const missesBefore = sliceCacheStats.misses;
  timeAlternating(runs, reqs, ROUNDS);
  const results = runs.map((run) => {
    const sorted = Float64Array.from(run.samples).sort();
    return {
      name: run.name,
      policies: run.policies,
      decisionsPerSecond: Math.round((run.samples.length / run.ms) * 1000),
      p50us: pct(sorted, 50) * 1000,
      p99us: pct(sorted, 99) * 1000,
      meanSlice: run.evaluated / reqs.length,
    };
  });
  console.log(`measured ${ROUNDS} x ${reqs.length} decisions per engine; slice cache misses while measuring: ${sliceCacheStats.misses - missesBefore} (${JSON.stringify(sliceCacheSize())})`);
  console.table(
    results.map((r) => ({
      engine: r.name,
      "decisions/s": r.decisionsPerSecond,
      "p50 µs": r.p50us.toFixed(1),
      "p99 µs": r.p99us.toFixed(1),
      "mean slice": r.meanSlice.toFixed(1),
    })),
  );
  const [ten, thousand] = results;
  const ratio = { p50: thousand.p50us / ten.p50us, p99: thousand.p99us / ten.p99us, throughput: ten.decisionsPerSecond / thousand.decisionsPerSecond };
  console.log(
    `1,000 vs 10 policies: p50 x${ratio.p50.toFixed(2)}, p99 x${ratio.p99.toFixed(2)}, time per decision x${ratio.throughput.toFixed(2)} (target <= 2: ${ratio.throughput <= 2 ? "met" : "NOT met"})`,
  );

  // For scale: the same 1,000 policies without slicing (every statement evaluated every time).
  const big = runs[1].engine;
  const unsliced: number[] = [];
  for (const q of reqs.slice(0, 300)) {
    const t = performance.now();
    big.decideUnsliced(q);
    unsliced.push(performance.now() - t);
  }
  const us = Float64Array.from(unsliced.slice(20)).sort(); // the first call pre-parses the whole set
  console.log(`unsliced 1,000 policies for comparison: p50 ${(pct(us, 50) * 1000).toFixed(0)} µs, p99 ${(pct(us, 99) * 1000).toFixed(0)} µs`);
  return { results, ratio, unslicedP50us: pct(us, 50) * 1000 };
}
