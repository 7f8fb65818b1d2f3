// Issue 21's first target: decision throughput and p99 with the Merkle log and checkpoints on
// within 5% of without, in one interleaved A/B run. The same build both ways: "on" is the
// default; "off" is WARDEN_SEQUENCE_MS=0 WARDEN_CHECKPOINT_SECONDS=0 (no sequencer, no
// checkpointer; the decision path itself never touches the log). Each round runs both arms,
// in alternating order (off first in odd rounds, on first in even ones), each on a fresh
// database with its own server: seed, warm-up (wrk), VACUUM ANALYZE and CHECKPOINT, a steady
// 1,000/s from the C sender (p99 as seen by the client and the server's own share, from
// Server-Timing), then wrk at 50 connections (throughput, p99, CPU per decision from /proc).
// Afterwards each arm's log state is read back: "on" must have sequenced and signed, "off" not.
// Verdicts compare the arms' medians over the rounds. `npm run build` first; then
// `npm run bench -- audit-ab`. BENCH_AB_ROUNDS (6), BENCH_SECONDS (15, wrk), BENCH_AB_STEADY_SECONDS
// (30) and BENCH_WARMUP_SECONDS (10) resize it.
import os from "node:os";
import pg from "pg";
import { openDatabase } from "../lib/db/client";
import { createAgent } from "../lib/services/agents/create";
import { issueAgentKey } from "../lib/services/agents/keys";
import { createConnector } from "../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { ensureGuardrails } from "../lib/services/policies/guardrails";
import { cpuMs, postgresCpuMs, settleDatabase } from "./authorize";
import { bareServer } from "./machine";
import { freshDatabase, startServer } from "./servers";
import { runSteady, steadySender } from "./steady";
import { runWrk, wrkAvailable } from "./wrk";

const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 6);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const STEADY_SECONDS = Number(process.env.BENCH_AB_STEADY_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const CONNECTIONS = 50;
const PORT = 3230;

const ARMS = {
  off: { WARDEN_SEQUENCE_MS: "0", WARDEN_CHECKPOINT_SECONDS: "0" },
  on: {},
} as const;
type Arm = keyof typeof ARMS;

type ArmResult = {
  round: number;
  arm: Arm;
  rps: number;
  p99: number;
  steadyP99: number;
  steadyServerP99: number;
  serverUs: number;
  postgresUs: number;
  treeSize: number;
  checkpoints: number;
  decisions: number;
  auditEvents: number;
  bareRps: number;
};

/** A fresh database with one agent allowed github:issues.read, and its key. */
async function seed(url: string): Promise<string> {
  const h = await openDatabase({ kind: "postgres", url, poolSize: 2 });
  try {
    await ensureGuardrails(h.db);
    const system = { actor: { kind: "system" as const, label: "bench" } };
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
    const a = await createAgent(h.db, system, { name: "bench-bot", identityKind: "key", team: "bench", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 86_400 } });
    return (await issueAgentKey(h.db, system, a!.id, { name: "bench", expiresInDays: 1 })).secret;
  } finally {
    await h.close();
  }
}

async function runArm(round: number, arm: Arm, bareRps: number): Promise<ArmResult> {
  const database = await freshDatabase(`warden_bench_ab_${arm}`);
  const secret = await seed(database.url);
  const server = await startServer(database.url, PORT, { env: { ...ARMS[arm] } });
  try {
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const s = await fetch(`${server.base}/api/v1/sessions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ intent: { goal: "bench", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 86_400 } }),
    }).then((r) => r.json());
    const body = JSON.stringify({ sessionId: s.id, action: { connector: "github", tool: "issues", operation: "read", resource: "repo:acme/api" } });
    const url = `${server.base}/api/v1/authorize`;
    const check = await fetch(url, { method: "POST", headers, body }).then((r) => r.json());
    if (check.decision !== "allow") throw new Error(`bench request is not an allow: ${JSON.stringify(check)}`);
    const target = { method: "POST", headers, body, connections: CONNECTIONS };
    await runWrk(url, { ...target, seconds: WARMUP_SECONDS });
    await settleDatabase(database.url);
    const steady = await runSteady(url, { headers, body, rate: 1000, seconds: STEADY_SECONDS, connections: 32 });
    const before = { server: cpuMs(server.pid), postgres: postgresCpuMs() };
    const w = await runWrk(url, { ...target, seconds: SECONDS });
    const serverUs = ((cpuMs(server.pid) - before.server) * 1000) / w.requests;
    const postgresUs = ((postgresCpuMs() - before.postgres) * 1000) / w.requests;
    if (w.errors || w.non2xx || steady.errors || steady.non2xx) throw new Error(`${arm}: failed decisions (wrk ${w.errors}/${w.non2xx}, steady ${steady.errors}/${steady.non2xx})`);
    // Give the "on" arm's sequencer and checkpointer their next pass before reading its state.
    await new Promise((r) => setTimeout(r, 11_000));
    const c = new pg.Client({ connectionString: database.url });
    await c.connect();
    const { rows } = await c.query(
      "select (select size from audit_log_state)::int as size, (select count(*) from audit_checkpoints)::int as checkpoints, (select count(*) from decisions)::int as decisions, (select count(*) from audit_events where action like 'decision.%')::int as events",
    );
    await c.end();
    return {
      round,
      arm,
      rps: w.rps,
      p99: w.p99,
      steadyP99: steady.p99,
      steadyServerP99: steady.server?.p99 ?? NaN,
      serverUs,
      postgresUs,
      treeSize: rows[0].size,
      checkpoints: rows[0].checkpoints,
      decisions: rows[0].decisions,
      auditEvents: rows[0].events,
      bareRps,
    };
  } finally {
    await server.stop();
    await database.drop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchAuditAB() {
  if (!wrkAvailable() || !steadySender()) throw new Error("the A/B needs wrk and a C compiler (apt-get install wrk gcc)");
  const bare = bareServer();
  await new Promise<void>((r) => bare.listen(3231, "127.0.0.1", () => r()));
  const results: ArmResult[] = [];
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  try {
    console.log(`\nDecisions with the audit log on and off, interleaved: ${ROUNDS} rounds; per arm a fresh database and server, ${WARMUP_SECONDS} s warm-up, ${STEADY_SECONDS} s at 1,000/s (C sender), ${SECONDS} s of wrk at ${CONNECTIONS} connections`);
    console.log("| round | arm | wrk decisions/s | wrk p99 ms | 1,000/s p99 ms (server share) | CPU per decision: server / Postgres | tree size, checkpoints | bare node:http | load |");
    console.log("| --- | --- | ---: | ---: | ---: | --- | --- | ---: | --- |");
    for (let round = 1; round <= ROUNDS; round++) {
      const order: Arm[] = round % 2 ? ["off", "on"] : ["on", "off"];
      for (const arm of order) {
        // How fast the machine is right now: the bare server under the same wrk, just before.
        const b = await runWrk("http://127.0.0.1:3231/", { method: "POST", headers: { "content-type": "application/json" }, body: "{}", connections: CONNECTIONS, seconds: 5 });
        const r = await runArm(round, arm, b.rps);
        results.push(r);
        if (r.decisions !== r.auditEvents) throw new Error(`${arm}: ${r.decisions} decisions but ${r.auditEvents} decision events`);
        if (arm === "on" && (r.treeSize < r.auditEvents || r.checkpoints === 0)) throw new Error(`on: the log did not keep up (tree ${r.treeSize}, ${r.checkpoints} checkpoints, ${r.auditEvents} decision events)`);
        if (arm === "off" && (r.treeSize !== 0 || r.checkpoints !== 0)) throw new Error(`off: the log ran (tree ${r.treeSize}, ${r.checkpoints} checkpoints)`);
        console.log(
          `| ${round} | ${arm} | ${n(r.rps)} | ${r.p99.toFixed(2)} | ${r.steadyP99.toFixed(2)} (${r.steadyServerP99.toFixed(2)}) | ${r.serverUs.toFixed(0)} / ${r.postgresUs.toFixed(0)} µs | ${n(r.treeSize)}, ${r.checkpoints} | ${n(r.bareRps)} | ${os.loadavg()[0].toFixed(2)} |`,
        );
      }
    }
  } finally {
    bare.close();
  }
  const of = (arm: Arm, k: keyof ArmResult) => median(results.filter((r) => r.arm === arm).map((r) => r[k] as number));
  const pairs = (k: keyof ArmResult) => {
    const out: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const on = results.find((r) => r.round === round && r.arm === "on")!;
      const off = results.find((r) => r.round === round && r.arm === "off")!;
      out.push((on[k] as number) / (off[k] as number));
    }
    return out;
  };
  const pct = (x: number) => `${x >= 1 ? "+" : "−"}${Math.abs((x - 1) * 100).toFixed(1)}%`;
  console.log("\n| figure | off (median) | on (median) | on / off | per-round on / off |\n| --- | ---: | ---: | ---: | --- |");
  const rows: [string, keyof ArmResult, (x: number) => string, boolean][] = [
    ["wrk decisions/s", "rps", n, true],
    ["wrk p99 ms", "p99", (x) => x.toFixed(2), false],
    ["1,000/s p99 ms", "steadyP99", (x) => x.toFixed(2), false],
    ["1,000/s server share p99 ms", "steadyServerP99", (x) => x.toFixed(2), false],
    ["server CPU µs per decision", "serverUs", (x) => x.toFixed(1), false],
    ["Postgres CPU µs per decision", "postgresUs", (x) => x.toFixed(1), false],
  ];
  for (const [name, k, fmt] of rows) console.log(`| ${name} | ${fmt(of("off", k))} | ${fmt(of("on", k))} | ${pct(of("on", k) / of("off", k))} | ${pairs(k).map(pct).join(", ")} |`);
  const throughput = of("on", "rps") / of("off", "rps");
  const p99 = of("on", "p99") / of("off", "p99");
  const steady = of("on", "steadyServerP99") / of("off", "steadyServerP99");
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(`throughput within 5% (median on ≥ 0.95 × median off): ${verdict(throughput >= 0.95)} (${pct(throughput)})`);
  console.log(`p99 within 5% at 50 connections (median on ≤ 1.05 × median off): ${verdict(p99 <= 1.05)} (${pct(p99)})`);
  console.log(`p99 within 5% at a steady 1,000/s, the server's share (median on ≤ 1.05 × median off): ${verdict(steady <= 1.05)} (${pct(steady)})`);
}
