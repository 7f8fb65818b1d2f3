// Issue 21's first target: decision throughput and p99 with the Merkle log and checkpoints on
// within 5% of without, in one interleaved A/B run. The same build both ways: "on" is the
// default; "off" is WARDEN_SEQUENCE_MS=0 WARDEN_CHECKPOINT_SECONDS=0 (no sequencer, no
// checkpointer; the decision path itself never touches the log).
//
// This VM's speed drifts by tens of percent within minutes (docs/benchmarks.md, "The machine"),
// more than the difference measured, so the arms are not run one after the other for minutes
// each: both servers run side by side, each on its own fresh database, and short runs alternate
// between them (off-on, on-off, …), so that each pair sees the same spell. A pair's figure is
// the ratio on / off; the verdict is on the median ratio over the pairs.
//   1. Seed both databases, start both servers, warm each up (wrk), VACUUM ANALYZE, CHECKPOINT.
//   2. BENCH_AB_PAIRS (20) pairs of wrk runs (each after 3 s of untimed load, LEAD_SECONDS) at 50 connections, BENCH_SECONDS (10) each:
//      throughput, p99, and CPU per decision of the server's processes and of Postgres.
//   3. BENCH_AB_STEADY_PAIRS (6) pairs at a steady 1,000/s from the C sender, 20 s each: p99
//      as the client sees it and the server's own share (Server-Timing).
//   4. Each arm's log state read back: "on" sequenced every event and signed checkpoints, "off"
//      neither; every decision has its audit event.
// `npm run build` first; then `npm run bench -- audit-ab` (about 12 minutes).
import os from "node:os";
import pg from "pg";
import { openDatabase } from "../lib/db/client";
import { createAgent } from "../lib/services/agents/create";
import { issueAgentKey } from "../lib/services/agents/keys";
import { createConnector } from "../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { ensureGuardrails } from "../lib/services/policies/guardrails";
import { cpuMs, postgresCpuMs, settleDatabase } from "./authorize";
import { freshDatabase, startServer, type Server } from "./servers";
import { runSteady, steadySender } from "./steady";
import { runWrk, wrkAvailable } from "./wrk";

const PAIRS = Number(process.env.BENCH_AB_PAIRS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const STEADY_PAIRS = Number(process.env.BENCH_AB_STEADY_PAIRS ?? 6);
const STEADY_SECONDS = Number(process.env.BENCH_AB_STEADY_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const CONNECTIONS = 50;

const ARMS = {
  off: { env: { WARDEN_SEQUENCE_MS: "0", WARDEN_CHECKPOINT_SECONDS: "0" }, port: 3230 },
  on: { env: {}, port: 3232 },
} as const;
type Arm = keyof typeof ARMS;
type Target = { arm: Arm; server: Server; url: string; dbUrl: string; headers: Record<string, string>; body: string; drop: () => Promise<void> };
type Saturated = { rps: number; p99: number; serverUs: number; postgresUs: number };
type Steady = { p99: number; serverP99: number };

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

async function start(arm: Arm): Promise<Target> {
  const database = await freshDatabase(`warden_bench_ab_${arm}`);
  const secret = await seed(database.url);
  const server = await startServer(database.url, ARMS[arm].port, { env: { ...ARMS[arm].env } });
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
  return { arm, server, url, dbUrl: database.url, headers, body, drop: database.drop };
}

// Each measured run starts 3 s after its server takes load again: a server that sat idle while
// the other ran answers its first seconds slowly (its pages fell out of Postgres's buffers to the
// other database, its heap shrank), and the other arm's last pass of work finishes meanwhile.
const LEAD_SECONDS = 3;

async function saturate(t: Target): Promise<Saturated> {
  await runWrk(t.url, { method: "POST", headers: t.headers, body: t.body, connections: CONNECTIONS, seconds: LEAD_SECONDS });
  const before = { server: cpuMs(t.server.pid), postgres: postgresCpuMs() };
  const w = await runWrk(t.url, { method: "POST", headers: t.headers, body: t.body, connections: CONNECTIONS, seconds: SECONDS });
  if (w.errors || w.non2xx) throw new Error(`${t.arm}: ${w.errors} errors, ${w.non2xx} non-2xx`);
  return { rps: w.rps, p99: w.p99, serverUs: ((cpuMs(t.server.pid) - before.server) * 1000) / w.requests, postgresUs: ((postgresCpuMs() - before.postgres) * 1000) / w.requests };
}

async function steady(t: Target): Promise<Steady> {
  await runSteady(t.url, { headers: t.headers, body: t.body, rate: 1000, seconds: LEAD_SECONDS, connections: 32 });
  const r = await runSteady(t.url, { headers: t.headers, body: t.body, rate: 1000, seconds: STEADY_SECONDS, connections: 32 });
  if (r.errors || r.non2xx) throw new Error(`${t.arm}: ${r.errors} errors, ${r.non2xx} non-2xx at 1,000/s`);
  return { p99: r.p99, serverP99: r.server?.p99 ?? NaN };
}

async function logState(t: Target) {
  const c = new pg.Client({ connectionString: t.dbUrl });
  await c.connect();
  try {
    const { rows } = await c.query(
      "select (select size from audit_log_state)::int as size, (select count(*) from audit_events)::int as events, (select count(*) from audit_checkpoints)::int as checkpoints, (select count(*) from decisions)::int as decisions, (select count(*) from audit_events where action like 'decision.%')::int as decision_events",
    );
    return rows[0] as { size: number; events: number; checkpoints: number; decisions: number; decision_events: number };
  } finally {
    await c.end();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const quartiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) / 4)], s[Math.ceil(((s.length - 1) * 3) / 4)]];
};
const pct = (x: number) => `${x >= 1 ? "+" : "−"}${Math.abs((x - 1) * 100).toFixed(1)}%`;
const n = (x: number) => Math.round(x).toLocaleString("en-US");

/** Runs `fn` on both arms `pairs` times, the order alternating, and prints each pair. */
async function pairs<T>(label: string, count: number, targets: Record<Arm, Target>, fn: (t: Target) => Promise<T>, show: (r: T) => string): Promise<{ off: T; on: T }[]> {
  console.log(`\n${label}\n| pair | order | off | on | load |\n| ---: | --- | --- | --- | ---: |`);
  const out: { off: T; on: T }[] = [];
  for (let i = 1; i <= count; i++) {
    const order: Arm[] = i % 2 ? ["off", "on"] : ["on", "off"];
    const got: Partial<Record<Arm, T>> = {};
    for (const arm of order) got[arm] = await fn(targets[arm]);
    out.push({ off: got.off!, on: got.on! });
    console.log(`| ${i} | ${order.join(", ")} | ${show(got.off!)} | ${show(got.on!)} | ${os.loadavg()[0].toFixed(2)} |`);
  }
  return out;
}

export async function benchAuditAB() {
  if (!wrkAvailable() || !steadySender()) throw new Error("the A/B needs wrk and a C compiler (apt-get install wrk gcc)");
  const targets = {} as Record<Arm, Target>;
  try {
    for (const arm of ["off", "on"] as const) targets[arm] = await start(arm);
    for (const arm of ["off", "on"] as const) {
      const t = targets[arm];
      await runWrk(t.url, { method: "POST", headers: t.headers, body: t.body, connections: CONNECTIONS, seconds: WARMUP_SECONDS });
      await settleDatabase(t.dbUrl);
    }
    console.log(`Decisions with the audit log on and off: two servers side by side, each on its own fresh database; ${WARMUP_SECONDS} s warm-up each, then alternating runs`);
    const sat = await pairs(`wrk at ${CONNECTIONS} connections, ${SECONDS} s per run: decisions/s, p99 ms, CPU per decision server / Postgres µs`, PAIRS, targets, saturate, (r) => `${n(r.rps)}/s, ${r.p99.toFixed(2)}, ${r.serverUs.toFixed(0)} / ${r.postgresUs.toFixed(0)}`);
    const st = await pairs(`steady 1,000/s (C sender, 32 connections), ${STEADY_SECONDS} s per run: p99 ms (the server's own share)`, STEADY_PAIRS, targets, steady, (r) => `${r.p99.toFixed(2)} (${r.serverP99.toFixed(2)})`);
    await new Promise((r) => setTimeout(r, 3_000)); // the "on" arm's sequencer passes every second
    const state = { off: await logState(targets.off), on: await logState(targets.on) };
    for (const arm of ["off", "on"] as const) {
      const s = state[arm];
      if (s.decisions !== s.decision_events) throw new Error(`${arm}: ${s.decisions} decisions but ${s.decision_events} decision events`);
    }
    if (state.on.size < state.on.events - 100 || state.on.checkpoints === 0) throw new Error(`on: the log did not keep up (tree ${state.on.size} of ${state.on.events} events, ${state.on.checkpoints} checkpoints)`);
    if (state.off.size !== 0 || state.off.checkpoints !== 0) throw new Error(`off: the log ran (tree ${state.off.size}, ${state.off.checkpoints} checkpoints)`);
    console.log(`\nlog state at the end: on: tree of ${n(state.on.size)} leaves for ${n(state.on.events)} events, ${state.on.checkpoints} checkpoints; off: no tree, no checkpoint; every decision of both with its audit event (${n(state.off.decisions + state.on.decisions)})`);

    const ratio = <T>(rows: { off: T; on: T }[], k: keyof T) => rows.map((r) => (r.on[k] as number) / (r.off[k] as number));
    console.log("\n| figure | off (median) | on (median) | on / off, median of the pairs | pairs' quartiles |\n| --- | ---: | ---: | ---: | --- |");
    const line = <T>(name: string, rows: { off: T; on: T }[], k: keyof T, fmt: (x: number) => string) => {
      const r = ratio(rows, k);
      const [q1, q3] = quartiles(r);
      console.log(`| ${name} | ${fmt(median(rows.map((x) => x.off[k] as number)))} | ${fmt(median(rows.map((x) => x.on[k] as number)))} | ${pct(median(r))} | ${pct(q1)} … ${pct(q3)} |`);
      return median(r);
    };
    const rps = line("wrk decisions/s", sat, "rps", n);
    const p99 = line("wrk p99 ms", sat, "p99", (x) => x.toFixed(2));
    line("server CPU µs per decision", sat, "serverUs", (x) => x.toFixed(1));
    line("Postgres CPU µs per decision", sat, "postgresUs", (x) => x.toFixed(1));
    line("1,000/s p99 ms", st, "p99", (x) => x.toFixed(2));
    const steadyServer = line("1,000/s server share p99 ms", st, "serverP99", (x) => x.toFixed(2));
    const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
    console.log(`throughput within 5% (median pair on / off ≥ 0.95): ${verdict(rps >= 0.95)} (${pct(rps)})`);
    console.log(`p99 within 5% at ${CONNECTIONS} connections (median pair on / off ≤ 1.05): ${verdict(p99 <= 1.05)} (${pct(p99)})`);
    console.log(`p99 within 5% at a steady 1,000/s, the server's share (median pair on / off ≤ 1.05): ${verdict(steadyServer <= 1.05)} (${pct(steadyServer)})`);
  } finally {
    for (const t of Object.values(targets)) {
      await t.server.stop();
      await t.drop();
    }
  }
}
