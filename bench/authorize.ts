// The full decision path over HTTP (agent key auth, session, intent, Cedar, group-committed
// audit) under 50 concurrent connections (autocannon, then wrk when installed), against a bare
// node:http server answering constant JSON on the same machine, plus p99 at a steady 1,000
// decisions/s (from a Node sender and from a C one, bench/steady.c) with the server's own share
// (Server-Timing). A warm-up, VACUUM ANALYZE and a checkpoint come first. Needs `npm run build`
// first; uses a fresh local Postgres database that it drops afterwards.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { openDatabase } from "../lib/db/client";
import { createAgent } from "../lib/services/agents/create";
import { issueAgentKey } from "../lib/services/agents/keys";
import { createConnector } from "../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { ensureGuardrails } from "../lib/services/policies/guardrails";
import { diskLine, startDiskProbe } from "./disk-probe";
import { gcLine, summariseGcTrace } from "./gc-trace";
import { bareServer } from "./machine";
import { freshDatabase, readFrom, startServer, type Server } from "./servers";
import { runSteady, steadySender } from "./steady";
import { targetLines } from "./targets";
import { runWrk, wrkAvailable } from "./wrk";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
// The server's background pass (credential sweeper, behaviour detectors, trace reconciler) runs
// every WARDEN_SWEEP_SECONDS, 30 by default. Warden's steady runs last at least that long, so
// each one holds a pass and its cost is in the p99, as it is in production.
const SWEEP_SECONDS = Number(process.env.WARDEN_SWEEP_SECONDS ?? 30);
const STEADY_SECONDS = Math.max(DURATION, SWEEP_SECONDS);
const CONNECTIONS = 50;

type Result = { name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number; server?: { p50: number; p99: number }; nodeSenderLatenessP99?: number };

function run(name: string, opts: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, r) => {
      if (err) return reject(err);
      resolve({ name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
    });
  });
}

/**
 * Open-loop load at a constant rate: request i is due at start + i/rate and its latency counts
 * from then, so a stall shows up in the figures instead of silently slowing the sender down.
 * (autocannon's own rate limit sends each connection's quota for the second in a burst, which
 * measures bursts, not a steady rate.)
 */
async function steady(name: string, url: string, headers: Record<string, string>, body: string, rate: number, seconds: number): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  headers = { ...headers, "content-length": String(Buffer.byteLength(body)) }; // one write, no chunking
  const total = rate * seconds;
  const latencies: number[] = [];
  const serverSide: number[] = []; // the Server-Timing header: the server's own share
  const late: number[] = []; // how long after its due time each request was handed to the socket
  let errors = 0;
  let non2xx = 0;
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let done = 0;
    const finish = () => {
      if (++done === total) resolve();
    };
    const fire = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const dueAt = start + (sent * 1000) / rate;
        late.push(performance.now() - dueAt);
        const req = http.request(url, { method: "POST", headers, agent }, (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - dueAt);
            const timing = /dur=([\d.]+)/.exec(String(res.headers["server-timing"] ?? ""));
            if (timing) serverSide.push(Number(timing[1]));
            if (res.statusCode! < 200 || res.statusCode! >= 300) non2xx++;
            finish();
          });
        });
        req.on("error", () => {
          errors++;
          finish();
        });
        req.end(body);
      }
      if (sent < total) setTimeout(fire, 1);
    };
    fire();
  });
  agent.destroy();
  const q = (xs: number[], p: number) => Math.round(xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] * 100) / 100;
  latencies.sort((a, b) => a - b);
  serverSide.sort((a, b) => a - b);
  late.sort((a, b) => a - b);
  const server = serverSide.length ? { p50: q(serverSide, 0.5), p99: q(serverSide, 0.99) } : undefined;
  return { name, rps: total / ((performance.now() - start) / 1000), p50: q(latencies, 0.5), p99: q(latencies, 0.99), errors, non2xx, server, nodeSenderLatenessP99: q(late, 0.99) };
}

/**
 * What a Postgres that has been running does on its own: autovacuum has vacuumed and analysed
 * the tables (this machine's Postgres runs with autovacuum off, so without this the planner
 * never sees statistics), and a checkpoint has recycled the log segments.
 */
export async function settleDatabase(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("VACUUM ANALYZE");
    await c.query("CHECKPOINT");
    return true;
  } catch {
    return false;
  } finally {
    await c.end();
  }
}

/**
 * Where the write-ahead log stands: its position, and how many segments past the current one
 * already exist (recycled at earlier checkpoints). Writing past those makes Postgres create and
 * zero-fill new 16 MB files, which stalls commits: a cold-cluster effect worth seeing next to
 * the figures. Also the count of connections the database has accepted so far. Needs
 * pg_ls_waldir (superuser or pg_monitor); undefined without it.
 */
async function walState(url: string): Promise<{ lsn: number; ready: number; decisions: number; sessions: number } | undefined> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 as lsn, (select count(*)::int from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$' and name > pg_walfile_name(pg_current_wal_lsn())) as ready, (select count(*)::int from decisions) as decisions, (select sessions::int from pg_stat_database where datname = current_database()) as sessions",
    );
    return rows[0];
  } catch {
    return undefined;
  } finally {
    await c.end();
  }
}

// CPU time (ms) from /proc: where the cores went, so a figure can be read against the machine
// it ran on. `stat` fields after the command name: utime, stime, cutime, cstime at 11–14, in
// clock ticks of 10 ms.
function procTicks(pid: number | string): number[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ").slice(11, 15).map(Number);
  } catch {
    return undefined;
  }
}

/**
 * The server's CPU time: every process in its process group (the front and the app process
 * behind it on Postgres, lib/server/front.ts), so the app process's share is never left out.
 */
export function cpuMs(pgid: number): number {
  let total = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ");
      if (Number(f[2]) === pgid) total += (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      continue;
    }
  }
  return total;
}

// Every postgres process's own time, plus the time of the ones that have exited (the postmaster's
// cutime/cstime): a backend whose connection closed mid-run takes its CPU time with it otherwise.
export function postgresCpuMs(): number {
  let total = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/comm`, "utf8").trim() !== "postgres") continue;
    } catch {
      continue;
    }
    const t = procTicks(d);
    if (t) total += (t[0] + t[1] + t[2] + t[3]) * 10;
  }
  return total;
}

export async function benchAuthorize() {
  const database = await freshDatabase("warden_bench_authz");
  const gcDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-bench-gc-"));
  const url = database.url;
  let server: Server | undefined;
  const bare = bareServer();
  try {
    const h = await openDatabase({ kind: "postgres", url, poolSize: 2 });
    await ensureGuardrails(h.db);
    const system = { actor: { kind: "system" as const, label: "bench" } };
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
    const a = await createAgent(h.db, system, { name: "bench-bot", identityKind: "key", team: "bench", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 86_400 } });
    const { secret } = await issueAgentKey(h.db, system, a!.id, { name: "bench", expiresInDays: 1 });
    await h.close();

    // The server traces its garbage collections (one line each) into a log, so the steady run's
    // share can be read back: what the decision path promotes, and the full collections it costs.
    // (BENCH_SERVER_LOG, when set, keeps that log after the bench for diagnosis.)
    const gcLog = process.env.BENCH_SERVER_LOG ?? path.join(gcDir, "server.log");
    server = await startServer(url, 3210, { nodeArgs: ["--trace-gc-nvp"], log: gcLog });
    const base = server.base;
    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const s = await fetch(`${base}/api/v1/sessions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ intent: { goal: "bench", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 86_400 } }),
    }).then((r) => r.json());
    const body = JSON.stringify({ sessionId: s.id, action: { connector: "github", tool: "issues", operation: "read", resource: "repo:acme/api" } });
    const check = await fetch(`${base}/api/v1/authorize`, { method: "POST", headers, body }).then((r) => r.json());
    if (check.decision !== "allow") throw new Error(`bench request is not an allow: ${JSON.stringify(check)}`);

    await new Promise<void>((r) => bare.listen(3211, "127.0.0.1", () => r()));
    const results: Result[] = [];
    // Warm-up, then VACUUM ANALYZE and a checkpoint: the server's code is compiled and its
    // caches are full, the tables have statistics, and Postgres recycles the log segments the
    // warm-up filled into the ones the measured runs will write, as a Postgres that has been
    // running for a while has them. (On a fresh cluster every 16 MB of log is otherwise a new
    // file that Postgres zero-fills while commits wait, tens of milliseconds each: a
    // first-minutes effect, printed below.)
    const target = { url: `${base}/api/v1/authorize`, method: "POST" as const, headers, body, connections: CONNECTIONS };
    const warmUpSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 20);
    const warmUpStart = performance.now();
    if (wrkAvailable()) await runWrk(target.url, { ...target, seconds: warmUpSeconds });
    else await run("warm-up", { ...target, duration: warmUpSeconds });
    const settled = await settleDatabase(url);
    console.log(`warm-up: ${warmUpSeconds} s at ${CONNECTIONS} connections, then ${settled ? "VACUUM ANALYZE and CHECKPOINT" : "no VACUUM / CHECKPOINT (needs superuser or pg_checkpoint)"}; ${((performance.now() - warmUpStart) / 1000).toFixed(1)} s`);
    const walBefore = await walState(url);
    // The steady runs first, before the saturation run leaves Postgres with checkpoints and
    // autovacuum to do. The first seconds at 1,000/s right after the warm-up burst are still
    // settling (the burst's garbage is collected, Postgres writes back what it dirtied): that
    // window is measured and printed on its own line, and the steady figure is what follows it.
    results.push(await steady("warden authorize, first 3 s at 1,000/s right after the warm-up burst", `${base}/api/v1/authorize`, headers, body, 1000, 3));
    const disk: string[] = [];
    const nodeProbe = startDiskProbe();
    const nodeSteady = await steady(`warden authorize, steady 1,000/s for ${STEADY_SECONDS} s (open loop)`, `${base}/api/v1/authorize`, headers, body, 1000, STEADY_SECONDS);
    disk.push(diskLine("the disk during the steady Node-sender run of Warden", await nodeProbe.stop()));
    results.push(nodeSteady);
    results.push(await steady("bare node:http, steady 1,000/s (open loop)", "http://127.0.0.1:3211/", headers, body, 1000, DURATION));
    const steadyTargets = [{ sender: "Node sender", p99: nodeSteady.p99 }];
    // The same steady rate from the C sender (bench/steady.c): the same open-loop rule, without
    // a Node sender's 1 ms timer lateness in every figure. Its own lateness is printed below.
    const lateness: string[] = [];
    let gc = "";
    if (steadySender()) {
      const connections = 32;
      for (const [name, to, seconds] of [["warden authorize", target.url, STEADY_SECONDS], ["bare node:http", "http://127.0.0.1:3211/", DURATION]] as const) {
        const mark = fs.statSync(gcLog).size;
        const probe = to === target.url ? startDiskProbe() : undefined;
        const r = await runSteady(to, { headers, body, rate: 1000, seconds, connections });
        if (probe) disk.push(diskLine("the disk during the steady C-sender run of Warden", await probe.stop()));
        if (to === target.url) gc = gcLine("the server's garbage collection during the steady C-sender run", summariseGcTrace(readFrom(gcLog, mark)), r.requests);
        results.push({ name: `${name}, steady 1,000/s${seconds === DURATION ? "" : ` for ${seconds} s`} (open loop, C sender)`, ...r });
        if (to === target.url) steadyTargets.unshift({ sender: "C sender", p99: r.p99 });
        lateness.push(`${name}: the C sender's own lateness p99 ${r.latenessP99} ms; ${r.waited} requests found all ${connections} connections busy`);
      }
    } else {
      console.log("(no C compiler — `apt-get install gcc` — so only the Node sender's steady figures follow)");
    }
    // Saturation: 50 connections, with each load generator in turn (autocannon in this process,
    // then wrk if installed), each against Warden and then the bare server. CPU per decision is
    // read from /proc around the Warden run.
    type Saturation = { generator: string; warden: Result; bare: Result; perDecision: { server: number; postgres: number; load: number } };
    const saturations: Saturation[] = [];
    {
      const before = { server: cpuMs(server.pid), postgres: postgresCpuMs(), bench: process.cpuUsage() };
      const warden = await run(`warden authorize, ${CONNECTIONS} connections (autocannon)`, { ...target, duration: DURATION });
      const served = warden.rps * DURATION;
      const benchCpu = process.cpuUsage(before.bench);
      const perDecision = {
        server: ((cpuMs(server.pid) - before.server) * 1000) / served,
        postgres: ((postgresCpuMs() - before.postgres) * 1000) / served,
        load: (benchCpu.user + benchCpu.system) / served,
      };
      const bare = await run(`bare node:http, ${CONNECTIONS} connections (autocannon)`, { ...target, url: "http://127.0.0.1:3211/", duration: DURATION });
      saturations.push({ generator: "autocannon", warden, bare, perDecision });
    }
    if (wrkAvailable()) {
      const before = { server: cpuMs(server.pid), postgres: postgresCpuMs() };
      const w = await runWrk(target.url, { ...target, seconds: DURATION });
      const perDecision = {
        server: ((cpuMs(server.pid) - before.server) * 1000) / w.requests,
        postgres: ((postgresCpuMs() - before.postgres) * 1000) / w.requests,
        load: w.cpuUs / w.requests,
      };
      const b = await runWrk("http://127.0.0.1:3211/", { ...target, seconds: DURATION });
      const warden = { name: `warden authorize, ${CONNECTIONS} connections (wrk)`, ...w };
      const bare = { name: `bare node:http, ${CONNECTIONS} connections (wrk)`, ...b };
      saturations.push({ generator: "wrk", warden, bare, perDecision });
    } else {
      console.log("(wrk is not installed — `apt-get install wrk` — so only autocannon's figures follow)");
    }
    for (const s of saturations) results.push(s.warden, s.bare);

    const count = new pg.Client({ connectionString: url });
    await count.connect();
    const { rows } = await count.query("select (select count(*) from decisions)::int as d, (select count(*) from audit_events where action like 'decision.%')::int as a");
    await count.end();

    const topology =
      process.env.WARDEN_SINGLE_PROCESS === "1"
        ? "one process (WARDEN_SINGLE_PROCESS=1)"
        : "decisions in the front process, the rest in the app process behind it; server CPU counts both";
    console.log(`\nDecision path over HTTP (${DURATION} s per run, npm start server on local Postgres: ${topology})`);
    console.log(
      SWEEP_SECONDS > 0
        ? `The server's background pass (sweeper, behaviour detectors) ran every ${SWEEP_SECONDS} s throughout; each ${STEADY_SECONDS} s steady run of Warden holds one.`
        : "The server's background pass was OFF (WARDEN_SWEEP_SECONDS=0): these figures leave out its cost.",
    );
    console.log("| run | req/s | p50 ms | p99 ms | errors | non-2xx |\n| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const r of results) console.log(`| ${r.name} | ${Math.round(r.rps).toLocaleString("en-US")} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`);
    for (const r of results) if (r.server) console.log(`${r.name}: the server's own share (Server-Timing) p50 ${r.server.p50} ms, p99 ${r.server.p99} ms`);
    for (const r of results) if (r.nodeSenderLatenessP99 !== undefined) console.log(`${r.name}: the Node sender's own lateness p99 ${r.nodeSenderLatenessP99} ms`);
    for (const l of lateness) console.log(l);
    // Each decision waits for its batch's log flush: slow flushes here are stalls in the tail.
    for (const l of disk) console.log(l);
    if (gc) console.log(gc);
    for (const { generator, warden, bare, perDecision } of saturations) {
      console.log(`${generator}: warden / bare throughput ${(warden.rps / bare.rps).toFixed(3)}; CPU per decision at ${CONNECTIONS} connections: server ${perDecision.server.toFixed(0)} µs, postgres ${perDecision.postgres.toFixed(0)} µs, load generator ${perDecision.load.toFixed(0)} µs`);
    }
    console.log(`decisions committed: ${rows[0].d.toLocaleString("en-US")}, their audit events: ${rows[0].a.toLocaleString("en-US")}`);
    console.log("\nTargets (issue 3), read against the bare server's figures above: a slow spell of the machine lowers both");
    for (const line of targetLines(
      saturations.map((x) => ({ generator: x.generator, rps: x.warden.rps, p99: x.warden.p99, bareRps: x.bare.rps })),
      steadyTargets,
      { decisions: rows[0].d, audited: rows[0].a },
    ))
      console.log(`- ${line}`);
    const walAfter = await walState(url);
    if (walBefore && walAfter) {
      const mb = (walAfter.lsn - walBefore.lsn) / 2 ** 20;
      const created = Math.max(0, Math.ceil(mb / 16) - walBefore.ready);
      console.log(
        `WAL written by the measured runs: ${mb.toFixed(0)} MB (${((walAfter.lsn - walBefore.lsn) / (walAfter.decisions - walBefore.decisions)).toFixed(0)} bytes per decision); ${walBefore.ready} recycled 16 MB segments were ready, ` +
          `so about ${created} new ones had to be created and zero-filled during the measured runs (each stalls commits for tens of ms)`,
      );
      // Each reopened pool connection is a new backend with cold caches: a few ms on some answer.
      // (Less two: this check's own connection and the count's above.)
      console.log(`Postgres connections opened during the measured runs: ${walAfter.sessions - walBefore.sessions - 2}`);
    }
  } finally {
    bare.close();
    await server?.stop();
    await database.drop();
    fs.rmSync(gcDir, { recursive: true, force: true });
  }
}
