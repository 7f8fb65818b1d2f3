// Soak (issue 26, point 5): the production server (front + app process on Postgres) under a
// steady open-loop decision load for BENCH_SOAK_MINUTES (60) at BENCH_SOAK_RATE (1,000/s), while
// a person signed in to the console (an auditor) works beside it:
// - every BENCH_SOAK_CONSOLE_SECONDS (5): one console page (overview, agents, sessions, audit,
//   findings, in turn) and the list endpoints behind them (agents, sessions, audit, findings);
// - the whole run: a live session page on the loaded session, as the browser holds it: the
//   page's change stream (GET /api/v1/stream?session=<id>) with a catch-up read of the timeline
//   (?after=<newest>) on each event, and the nav's unfiltered stream with its throttled badge
//   refetch (/api/v1/escalations/summary);
// - every BENCH_SOAK_EXPORT_SECONDS (180; a quarter of the run when shorter): an export, in turn
//   an audit CSV of the last minute and a framework report (PDF, CSV, JSON) of the run so far.
// The decision load is bench/steady.c, one run per window (BENCH_SOAK_WINDOW_SECONDS, 30), so each
// window has its own p50/p99. Every BENCH_SOAK_SAMPLE_SECONDS (10) the bench reads, for the front
// and the app process (its child), RSS from /proc/<pid>/status, open descriptors and sockets from
// /proc/<pid>/fd, CPU from /proc/<pid>/stat, the V8 heap from bench/soak-probe.cjs (preloaded into
// both through NODE_OPTIONS), and the database's connections from pg_stat_activity. At the end:
// a table per window, the verdict against the thresholds of bench/soak-verdict.ts, and every
// sample and window written as JSON and CSV to a temp folder whose path is printed.
// Not part of a bare `npm run bench`: `npm run build && npm run bench -- soak`.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDatabase } from "../lib/db/client";
import { REPORT_FRAMEWORKS } from "../lib/reports/types";
import { createAgent } from "../lib/services/agents/create";
import { issueAgentKey } from "../lib/services/agents/keys";
import { createConnector } from "../lib/services/connectors/create";
import { createPerson } from "../lib/services/people/create";
import { ensureGuardrails } from "../lib/services/policies/guardrails";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { personCreateSchema } from "@/lib/domain/people/schemas";
import { machineProbe } from "./machine";
import { freshDatabase, quantiles, readFrom, startServer, type Server } from "./servers";
import { describeThresholds, failureCheck, growthCheck, mean, overall, p99Check, SOAK_THRESHOLDS, type Check } from "./soak-verdict";
import { runSteady, steadySender, type SteadyResult } from "./steady";

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${name} must be a positive number (got ${raw})`);
  return n;
}

const PORT = 3240;
const CONNECTIONS = 32; // the decision load's keep-alive connections, as in bench/authorize.ts
const STALL_SECONDS = 30; // the sender gives up on a window when nothing is answered for this long
const MB = 2 ** 20;

type Config = { minutes: number; rate: number; windowSeconds: number; sampleSeconds: number; consoleSeconds: number; exportSeconds: number };

function config(): Config {
  const minutes = positive("BENCH_SOAK_MINUTES", 60);
  const total = minutes * 60;
  return {
    minutes,
    rate: positive("BENCH_SOAK_RATE", 1000),
    windowSeconds: positive("BENCH_SOAK_WINDOW_SECONDS", 30),
    sampleSeconds: positive("BENCH_SOAK_SAMPLE_SECONDS", 10),
    consoleSeconds: positive("BENCH_SOAK_CONSOLE_SECONDS", 5),
    exportSeconds: positive("BENCH_SOAK_EXPORT_SECONDS", Math.min(180, Math.max(30, total / 4))),
  };
}

// ---------------------------------------------------------------------------------------------
// What /proc says about a process.

function procStatus(pid: number): { rssKb: number; threads: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? NaN);
    return { rssKb: field("VmRSS"), threads: field("Threads") };
  } catch {
    return undefined;
  }
}

/** Open descriptors, and how many of them are sockets (TCP and Unix alike). */
function descriptors(pid: number): { fds: number; sockets: number } {
  let fds = 0;
  let sockets = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    fds++;
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) sockets++;
    } catch {} // closed between the listing and the look
  }
  return { fds, sockets };
}

/** utime + stime, ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

function alive(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}`);
}

/** The children of `pid`, from /proc/<pid>/task/<tid>/children. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      out.push(...fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number));
    } catch {}
  }
  return out;
}

/** The app process: the front's child running the same server bundle (lib/server/front.ts). */
async function appPidOf(front: number): Promise<number> {
  for (let i = 0; i < 60; i++) {
    for (const c of childrenOf(front)) {
      try {
        if (fs.readFileSync(`/proc/${c}/cmdline`, "utf8").includes("warden-server")) return c;
      } catch {}
    }
    await sleep(500);
  }
  throw new Error(`no app process under the front (pid ${front}): is WARDEN_SINGLE_PROCESS set?`);
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// Samples.

type ProbeLine = { t: number; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; heapAfterMajorGc: number | null; majorGcs: number; handles: Record<string, number> };

/**
 * Reads what a process's probe appended since the last read (bench/soak-probe.cjs); when it has
 * appended nothing yet (two reads within its period), its last line again.
 */
function probeReader(dir: string, pid: number) {
  const file = path.join(dir, `probe-${pid}.jsonl`);
  let offset = 0;
  let partial = "";
  let previous: ProbeLine | undefined;
  return (): ProbeLine[] => {
    if (!fs.existsSync(file)) return [];
    const text = partial + readFrom(file, offset);
    offset += Buffer.byteLength(text) - Buffer.byteLength(partial);
    const lines = text.split("\n");
    partial = lines.pop() ?? "";
    const fresh = lines.filter(Boolean).map((l) => JSON.parse(l) as ProbeLine);
    if (fresh.length) previous = fresh[fresh.length - 1];
    return fresh.length ? fresh : previous ? [previous] : [];
  };
}

type ProcSample = {
  rssMb: number;
  threads: number;
  fds: number;
  sockets: number;
  cpuMs: number;
  /** V8 heap used, mean of the probe's readings since the previous sample; min of them. */
  heapMb?: number;
  heapMinMb?: number;
  heapTotalMb?: number;
  heapAfterMajorGcMb?: number;
  externalMb?: number;
  majorGcs?: number;
  /** Active handles: TCP sockets, pipe (Unix socket) connections, timers. */
  tcp?: number;
  pipes?: number;
  timers?: number;
};

type Sample = { t: number; front: ProcSample; app: ProcSample; pg: { total: number; active: number; idle: number; other: number }; dbMb: number; load1: number };

function procSample(pid: number, probe: ProbeLine[]): ProcSample {
  const st = procStatus(pid);
  const s: ProcSample = { rssMb: (st?.rssKb ?? NaN) / 1024, threads: st?.threads ?? NaN, ...descriptors(pid), cpuMs: cpuMs(pid) };
  if (probe.length) {
    const last = probe[probe.length - 1];
    s.heapMb = mean(probe.map((p) => p.heapUsed)) / MB;
    s.heapMinMb = Math.min(...probe.map((p) => p.heapUsed)) / MB;
    s.heapTotalMb = last.heapTotal / MB;
    s.heapAfterMajorGcMb = last.heapAfterMajorGc === null ? undefined : last.heapAfterMajorGc / MB;
    s.externalMb = last.external / MB;
    s.majorGcs = last.majorGcs;
    s.tcp = last.handles.TCPSocketWrap ?? 0;
    s.pipes = last.handles.PipeWrap ?? 0;
    s.timers = last.handles.Timeout ?? 0;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// The person at the console.

type Hit = { t: number; what: string; path: string; status: number; ms: number; bytes: number; error?: string };

function get(base: string, pathname: string, opts: { cookie: string; agent: http.Agent; keepBody?: boolean }): Promise<Hit & { body?: string }> {
  const t = Date.now();
  const start = performance.now();
  return new Promise((resolve) => {
    const req = http.get(`${base}${pathname}`, { agent: opts.agent, headers: { cookie: opts.cookie, "sec-fetch-site": "same-origin" } }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on("data", (c: Buffer) => {
        bytes += c.length;
        if (opts.keepBody) chunks.push(c);
      });
      res.on("end", () => resolve({ t, what: "", path: pathname, status: res.statusCode ?? 0, ms: performance.now() - start, bytes, body: opts.keepBody ? Buffer.concat(chunks).toString("utf8") : undefined }));
      res.on("error", (e) => resolve({ t, what: "", path: pathname, status: 0, ms: performance.now() - start, bytes, error: e.message }));
    });
    req.on("error", (e) => resolve({ t, what: "", path: pathname, status: 0, ms: performance.now() - start, bytes: 0, error: e.message }));
  });
}

/** Signs in through next-auth's credentials callback, as the sign-in form does; the session cookie. */
async function signIn(base: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const take = (r: Response) => {
    for (const h of r.headers.getSetCookie()) {
      const pair = h.split(";")[0];
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const c = await fetch(`${base}/api/auth/csrf`);
  take(c);
  const { csrfToken } = (await c.json()) as { csrfToken: string };
  const r = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/`, json: "true" }),
  });
  take(r);
  const name = [...jar.keys()].find((k) => k.endsWith("next-auth.session-token"));
  if (!name) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
  return `${name}=${jar.get(name)}`;
}

type StreamStats = { connects: number; drops: number; changes: number[]; pings: number };

/**
 * Holds GET /api/v1/stream open as EventSource does: reads its events, calls `onChange` on each
 * change (and on `ready`, the catch-up after a connect), and reconnects 2 s after a drop.
 */
function holdStream(base: string, query: string, cookie: string, onChange: () => void) {
  const stats: StreamStats = { connects: 0, drops: 0, changes: [], pings: 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let closed = false;
  let req: http.ClientRequest | undefined;
  const connect = () => {
    if (closed) return;
    let dropped = false;
    const drop = () => {
      if (closed || dropped) return;
      dropped = true;
      stats.drops++;
      setTimeout(connect, 2000);
    };
    req = http.get(`${base}/api/v1/stream${query}`, { agent, headers: { cookie, accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return drop();
      }
      stats.connects++;
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          if (block.startsWith(":")) stats.pings++;
          else if (/^event: (change|ready)$/m.test(block)) {
            if (/^event: change$/m.test(block)) stats.changes.push(Date.now());
            onChange();
          }
        }
      });
      res.on("end", drop);
      res.on("error", drop);
      res.on("close", drop); // a reset: no "end"
    });
    req.on("error", drop);
  };
  connect();
  return {
    stats,
    close: () => {
      closed = true;
      req?.destroy();
      agent.destroy();
    },
  };
}

type TimelineItem = { id: string; createdAt: string };

/**
 * A person with the loaded session's page open: the page itself, its change stream with the
 * timeline's catch-up (one at a time; a change during one queues one more, as
 * components/sessions/session-timeline.tsx does), and the nav's badge on the unfiltered stream,
 * refetched at most every 2 s (components/shell/pending-escalations-badge.tsx).
 */
async function openLivePage(base: string, sessionId: string, cookie: string, agent: http.Agent, hits: Hit[], lags: { t: number; ms: number; rows: number }[]) {
  const page = await get(base, `/sessions/${sessionId}`, { cookie, agent });
  hits.push({ ...page, what: "page" });
  const first = await get(base, `/api/v1/sessions/${sessionId}/timeline`, { cookie, agent, keepBody: true });
  hits.push({ ...first, what: "catch-up", body: undefined } as Hit);
  if (first.status !== 200) throw new Error(`timeline: ${first.status} ${first.body}`);
  const top = (JSON.parse(first.body!) as { items: TimelineItem[] }).items[0];
  let newest = top ? `${top.createdAt}|${top.id}` : null;
  let running = false;
  let again = false;
  let closed = false;
  const catchUp = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const r = await get(base, `/api/v1/sessions/${sessionId}/timeline${newest ? `?after=${encodeURIComponent(newest)}` : ""}`, { cookie, agent, keepBody: true });
        hits.push({ ...r, what: "catch-up", body: undefined } as Hit);
        if (r.status !== 200) continue;
        const items = (JSON.parse(r.body!) as { items: TimelineItem[] }).items;
        if (items.length) {
          newest = `${items[0].createdAt}|${items[0].id}`;
          // How far behind the page is: the newest call it now shows, against the clock.
          lags.push({ t: Date.now(), ms: Date.now() - Date.parse(items[0].createdAt), rows: items.length });
        }
      } while (again && !closed);
    } finally {
      running = false;
    }
  };
  let lastBadge = 0;
  let badgeTimer: NodeJS.Timeout | undefined;
  const badge = () => {
    if (badgeTimer || closed) return;
    const wait = Math.max(0, lastBadge + 2000 - Date.now());
    badgeTimer = setTimeout(async () => {
      lastBadge = Date.now();
      const r = await get(base, "/api/v1/escalations/summary", { cookie, agent });
      hits.push({ ...r, what: "badge" });
      badgeTimer = undefined;
    }, wait);
  };
  const pageStream = holdStream(base, `?session=${sessionId}`, cookie, () => void catchUp());
  const navStream = holdStream(base, "", cookie, badge);
  return {
    streams: { page: pageStream.stats, nav: navStream.stats },
    close: async () => {
      closed = true;
      pageStream.close();
      navStream.close();
      clearTimeout(badgeTimer);
      while (running) await sleep(50);
    },
  };
}

/** Every `every` ms until stopped: a page of the console in turn, then the four list endpoints. */
async function consoleUser(base: string, cookie: string, agent: http.Agent, hits: Hit[], every: number, stopped: () => boolean) {
  const pages = ["/", "/agents", "/sessions", "/audit", "/findings"];
  const lists = [
    (i: number) => `/api/v1/agents?page=${1 + (i % 2)}`,
    (i: number) => `/api/v1/sessions${i % 2 ? "?q=soak" : ""}`,
    (i: number) => `/api/v1/audit${i % 2 ? "?action=decision." : "?pageSize=100"}`,
    (i: number) => `/api/v1/findings${i % 2 ? "?q=soak" : "?page=2"}`,
  ];
  for (let i = 0; !stopped(); i++) {
    const start = Date.now();
    const p = await get(base, pages[i % pages.length], { cookie, agent });
    hits.push({ ...p, what: "page" });
    for (const l of lists) {
      if (stopped()) return;
      const r = await get(base, l(i), { cookie, agent });
      hits.push({ ...r, what: "list" });
    }
    while (!stopped() && Date.now() < start + every) await sleep(Math.min(250, start + every - Date.now()));
  }
}

type ExportHit = Hit & { kind: string };

/** Every `every` ms until stopped: an audit CSV of the last minute, then a report, in turn. */
async function exporter(base: string, cookie: string, since: number, exports: ExportHit[], every: number, stopped: () => boolean) {
  const agent = new http.Agent({ keepAlive: false });
  const formats = ["pdf", "csv", "json"];
  for (let i = 0; ; i++) {
    const due = Date.now() + every;
    while (!stopped() && Date.now() < due) await sleep(Math.min(250, due - Date.now()));
    if (stopped()) break;
    const kind =
      i % 2 === 0
        ? "audit CSV, last minute"
        : `report ${REPORT_FRAMEWORKS[Math.floor(i / 2) % REPORT_FRAMEWORKS.length]} ${formats[Math.floor(i / 2) % formats.length]}, the run so far`;
    const pathname =
      i % 2 === 0
        ? `/api/v1/audit/export?format=csv&from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`
        : `/api/v1/reports/${REPORT_FRAMEWORKS[Math.floor(i / 2) % REPORT_FRAMEWORKS.length]}/export?format=${formats[Math.floor(i / 2) % formats.length]}&from=${encodeURIComponent(new Date(since).toISOString())}`;
    const r = await get(base, pathname, { cookie, agent });
    exports.push({ ...r, what: "export", kind });
  }
  agent.destroy();
}

// ---------------------------------------------------------------------------------------------
// Windows.

type Stat = { n: number; failed: number; p50: number; max: number };

function stat(hits: Hit[]): Stat {
  const ok = (h: Hit) => h.status >= 200 && h.status < 300 && !h.error;
  const q = hits.length ? quantiles(hits.map((h) => h.ms)) : { p50: NaN, max: NaN };
  return { n: hits.length, failed: hits.filter((h) => !ok(h)).length, p50: q.p50, max: q.max };
}

type Window = {
  index: number;
  start: number;
  end: number;
  decisions: SteadyResult | null;
  failure?: string;
  committed: number;
  notAllowed: number;
  cpuPct: { front: number; app: number };
  front: { rssMb: number; heapMb: number; fds: number; sockets: number };
  app: { rssMb: number; heapMb: number; fds: number; sockets: number };
  pgConnections: number;
  console: Stat;
  catchUps: Stat;
  liveLag: { p50: number; max: number };
  streamChanges: number;
  exports: { n: number; failed: number; maxMs: number };
  load1: number;
};

function inWindow<T extends { t: number }>(xs: T[], w: { start: number; end: number }) {
  return xs.filter((x) => x.t >= w.start && x.t < w.end);
}

function meanOf(samples: Sample[], f: (s: Sample) => number | undefined) {
  const xs = samples.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
  return xs.length ? mean(xs) : NaN;
}

const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "–");

function csv(rows: Record<string, unknown>[]): string {
  if (!rows.length) return "";
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? "" : typeof v === "number" ? String(Math.round(v * 1000) / 1000) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${cols.join(",")}\n${rows.map((r) => cols.map((c) => cell(r[c])).join(",")).join("\n")}\n`;
}

const flat = (s: Sample) => ({
  t: new Date(s.t).toISOString(),
  ...Object.fromEntries(Object.entries(s.front).map(([k, v]) => [`front_${k}`, v])),
  ...Object.fromEntries(Object.entries(s.app).map(([k, v]) => [`app_${k}`, v])),
  pg_total: s.pg.total,
  pg_active: s.pg.active,
  pg_idle: s.pg.idle,
  pg_other: s.pg.other,
  db_mb: s.dbMb,
  load1: s.load1,
});

// ---------------------------------------------------------------------------------------------

export async function benchSoak() {
  const cfg = config();
  const totalSeconds = Math.round(cfg.minutes * 60);
  if (!steadySender()) throw new Error("no C compiler (cc) to build bench/steady.c, the soak's decision sender");
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-soak-"));
  const probeDir = path.join(outDir, "probe");
  fs.mkdirSync(probeDir);
  console.log(
    `soak: ${fmt(cfg.minutes, cfg.minutes % 1 ? 1 : 0)} min at ${fmt(cfg.rate)} decisions/s (open loop, ${CONNECTIONS} connections, ${cfg.windowSeconds} s windows); ` +
      `console every ${cfg.consoleSeconds} s, a live session page throughout, an export every ${fmt(cfg.exportSeconds)} s; samples every ${cfg.sampleSeconds} s; output in ${outDir}`,
  );

  const database = await freshDatabase("warden_bench_soak");
  let server: Server | undefined;
  const monitor = new pg.Client({ connectionString: process.env.WARDEN_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" });
  const dbc = new pg.Client({ connectionString: database.url });
  const cleanups: (() => unknown)[] = [];
  try {
    const dbName = new URL(database.url).pathname.slice(1);
    const h = await openDatabase({ kind: "postgres", url: database.url, poolSize: 2 });
    await ensureGuardrails(h.db);
    const system = { actor: { kind: "system" as const, label: "bench" } };
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
    const a = await createAgent(h.db, system, { name: "soak-bot", identityKind: "key", team: "bench", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 86_400 } });
    const { secret } = await issueAgentKey(h.db, system, a!.id, { name: "soak", expiresInDays: 2 });
    const email = "auditor@soak.local";
    const password = "a long soak password";
    await createPerson(h.db, system, personCreateSchema.parse({ email, name: "Soak Auditor", role: "auditor", password }));
    // Something in the lists besides the loaded agent: 50 agents and 200 findings.
    await h.db.execute(sql`
      insert into agents (name, identity, identity_kind, team, risk_tier, envelope)
      select 'soak-agent-' || i, 'spiffe://bench/soak-agent-' || i, 'spiffe', 'team-' || (i % 4), (array['low','medium','high'])[1 + i % 3]::risk_tier,
             '{"actions":["*"],"maxSensitivity":"internal","maxTtlSeconds":3600}'::jsonb
      from generate_series(1, 50) i`);
    await h.db.execute(sql`
      insert into findings (kind, severity, status, title, agent_id, framework_refs, dedupe_key, first_seen_at, last_seen_at, created_at)
      select (array['intent_drift','standing_secret','unmanaged_connector','privilege_escalation','excessive_denies'])[1 + i % 5],
             (array['info','low','medium','high','critical'])[1 + i % 5]::severity, (array['open','acknowledged','resolved'])[1 + i % 3]::finding_status,
             'soak finding ' || i, a.id, '["ASI01"]'::jsonb, 'soak-' || i, now() - i * interval '1 hour', now() - i * interval '1 hour', now() - i * interval '1 hour'
      from generate_series(1, 200) i join agents a on a.name = 'soak-agent-' || (1 + i % 50)`);
    await h.close();

    // The probe rides in through NODE_OPTIONS, which the app process inherits from the front.
    // startServer spawns synchronously, so the variable is only set for that spawn.
    const before = { NODE_OPTIONS: process.env.NODE_OPTIONS, WARDEN_SOAK_PROBE_DIR: process.env.WARDEN_SOAK_PROBE_DIR };
    process.env.NODE_OPTIONS = `${before.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "soak-probe.cjs")}`.trim();
    process.env.WARDEN_SOAK_PROBE_DIR = probeDir;
    const starting = startServer(database.url, PORT, { log: path.join(outDir, "server.log") });
    for (const [k, v] of Object.entries(before)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    server = await starting;
    const base = server.base;
    const front = server.pid;
    const app = await appPidOf(front);
    console.log(`server: front pid ${front}, app process pid ${app}; database ${dbName}`);

    const headers = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const s = (await fetch(`${base}/api/v1/sessions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ intent: { goal: "soak", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 86_400 } }),
    }).then((r) => r.json())) as { id: string };
    const body = JSON.stringify({ sessionId: s.id, action: { connector: "github", tool: "issues", operation: "read", resource: "repo:acme/api" } });
    const check = await fetch(`${base}/api/v1/authorize`, { method: "POST", headers, body }).then((r) => r.json());
    if (check.decision !== "allow") throw new Error(`soak request is not an allow: ${JSON.stringify(check)}`);
    const cookie = await signIn(base, email, password);

    await monitor.connect();
    await dbc.connect();
    const monitorPids = [(await dbc.query("select pg_backend_pid() as p")).rows[0].p as number];

    // Samples, from now until the end.
    const samples: Sample[] = [];
    const probes = { front: probeReader(probeDir, front), app: probeReader(probeDir, app) };
    const takeSample = async () => {
      if (!alive(front) || !alive(app)) return;
      const { rows } = await monitor.query<{ state: string | null; n: number }>(
        "select state, count(*)::int as n from pg_stat_activity where datname = $1 and pid <> all($2::int[]) group by state",
        [dbName, monitorPids],
      );
      const count = (st: string) => rows.filter((r) => r.state === st).reduce((x, r) => x + r.n, 0);
      const total = rows.reduce((x, r) => x + r.n, 0);
      const size = (await monitor.query<{ b: string }>("select pg_database_size($1)::text as b", [dbName])).rows[0].b;
      samples.push({
        t: Date.now(),
        front: procSample(front, probes.front()),
        app: procSample(app, probes.app()),
        pg: { total, active: count("active"), idle: count("idle"), other: total - count("active") - count("idle") },
        dbMb: Number(size) / MB,
        load1: os.loadavg()[0],
      });
    };
    await sleep(1500); // the probes' first lines
    await takeSample();
    let sampling = Promise.resolve();
    const sampler = setInterval(() => (sampling = sampling.then(takeSample).catch((e) => console.error("soak: sample failed:", e))), cfg.sampleSeconds * 1000);
    cleanups.push(() => clearInterval(sampler));

    // The person at the console, the live page and the exports, from now until the load ends.
    let stopped = false;
    const isStopped = () => stopped;
    const hits: Hit[] = [];
    const lags: { t: number; ms: number; rows: number }[] = [];
    const exports: ExportHit[] = [];
    const consoleAgent = new http.Agent({ keepAlive: true, maxSockets: 6 }); // a browser's six per host
    cleanups.push(() => consoleAgent.destroy());
    const t0 = Date.now();
    const live = await openLivePage(base, s.id, cookie, consoleAgent, hits, lags);
    const person = consoleUser(base, cookie, consoleAgent, hits, cfg.consoleSeconds * 1000, isStopped);
    const exporting = exporter(base, cookie, t0, exports, cfg.exportSeconds * 1000, isStopped);

    // The decision load, one sender run per window.
    const windows: Window[] = [];
    const count = Math.ceil(totalSeconds / cfg.windowSeconds);
    console.log("\n| win | at min | req/s | p50 ms | p99 ms | max ms | err + non-2xx | front RSS / heap MB | app RSS / heap MB | CPU % front / app | fds front / app | pg conns | console n (p50 / max ms) | live lag p50 / max ms | exports | load |");
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (let i = 0; i < count; i++) {
      const seconds = Math.min(cfg.windowSeconds, totalSeconds - i * cfg.windowSeconds);
      const start = Date.now();
      const cpu0 = { front: cpuMs(front), app: cpuMs(app) };
      let r: SteadyResult | null = null;
      let failure: string | undefined;
      try {
        r = await runSteady(`${base}/api/v1/authorize`, { headers, body, rate: cfg.rate, seconds, connections: CONNECTIONS, stallSeconds: STALL_SECONDS });
      } catch (e) {
        failure = (e as Error).message;
        if (!alive(front) || !alive(app)) throw new Error(`the server is gone (${failure})`);
        await sleep(Math.max(0, start + seconds * 1000 - Date.now()));
      }
      const end = Date.now();
      const cpu1 = { front: cpuMs(front), app: cpuMs(app) };
      const { rows } = await dbc.query<{ outcome: string; n: number }>(
        "select outcome::text, count(*)::int as n from decisions where session_id = $1 and created_at >= $2 and created_at < $3 group by outcome",
        [s.id, new Date(start), new Date(end)],
      );
      const w = { start, end };
      const ws = inWindow(samples, w);
      const near = ws.length ? ws : samples.slice(-1);
      const proc = (p: "front" | "app") => ({
        rssMb: meanOf(near, (x) => x[p].rssMb),
        heapMb: meanOf(near, (x) => x[p].heapMb),
        fds: meanOf(near, (x) => x[p].fds),
        sockets: meanOf(near, (x) => x[p].sockets),
      });
      const wl = inWindow(lags, w).map((l) => l.ms);
      const lq = wl.length ? quantiles(wl) : { p50: NaN, max: NaN };
      const we = inWindow(exports, w);
      const win: Window = {
        index: i + 1,
        start,
        end,
        decisions: r,
        failure,
        committed: rows.reduce((x, row) => x + row.n, 0),
        notAllowed: rows.filter((row) => row.outcome !== "allow").reduce((x, row) => x + row.n, 0),
        cpuPct: { front: ((cpu1.front - cpu0.front) / (end - start)) * 100, app: ((cpu1.app - cpu0.app) / (end - start)) * 100 },
        front: proc("front"),
        app: proc("app"),
        pgConnections: meanOf(near, (x) => x.pg.total),
        console: stat(inWindow(hits, w).filter((h) => h.what === "page" || h.what === "list")),
        catchUps: stat(inWindow(hits, w).filter((h) => h.what === "catch-up" || h.what === "badge")),
        liveLag: { p50: lq.p50, max: lq.max },
        streamChanges: inWindow(
          live.streams.page.changes.map((t) => ({ t })),
          w,
        ).length,
        exports: { n: we.length, failed: we.filter((e) => e.status !== 200 || e.error).length, maxMs: we.length ? Math.max(...we.map((e) => e.ms)) : NaN },
        load1: meanOf(near, (x) => x.load1),
      };
      windows.push(win);
      const d = win.decisions;
      console.log(
        `| ${win.index} | ${fmt((win.end - t0) / 60_000, 1)} | ${d ? fmt(d.rps) : "FAILED"} | ${d ? fmt(d.p50, 2) : "–"} | ${d ? fmt(d.p99, 2) : "–"} | ${d ? fmt(d.max, 1) : "–"} | ${d ? d.errors + d.non2xx : win.failure} | ` +
          `${fmt(win.front.rssMb)} / ${fmt(win.front.heapMb)} | ${fmt(win.app.rssMb)} / ${fmt(win.app.heapMb)} | ${fmt(win.cpuPct.front)} / ${fmt(win.cpuPct.app)} | ${fmt(win.front.fds)} / ${fmt(win.app.fds)} | ${fmt(win.pgConnections)} | ` +
          `${win.console.n}${win.console.failed ? ` (${win.console.failed} failed)` : ""} (${fmt(win.console.p50)} / ${fmt(win.console.max)}) | ${fmt(win.liveLag.p50)} / ${fmt(win.liveLag.max)} | ` +
          `${win.exports.n ? `${win.exports.n} (${fmt(win.exports.maxMs)} ms)` : ""}${win.exports.failed ? ` ${win.exports.failed} failed` : ""} | ${fmt(win.load1, 1)} |`,
      );
    }
    const tEnd = Date.now();

    // The person stops; an export under way is waited for (it is part of the run).
    stopped = true;
    await Promise.race([Promise.all([person, exporting]), sleep(120_000)]);
    await live.close();
    clearInterval(sampler);
    await sampling;
    await takeSample();

    // Totals: every answered decision committed with its audit event, and an allow.
    const answered = windows.reduce((x, w) => x + (w.decisions ? w.decisions.requests - w.decisions.non2xx : 0), 0);
    const totals = (
      await dbc.query<{ decisions: number; not_allowed: number; audited: number }>(
        "select (select count(*)::int from decisions where session_id = $1) as decisions, (select count(*)::int from decisions where session_id = $1 and outcome <> 'allow') as not_allowed, (select count(*)::int from audit_events where session_id = $1 and action like 'decision.%') as audited",
        [s.id],
      )
    ).rows[0];
    const fromLoad = totals.decisions - 1; // less the check before the load
    const failedWindows = windows.filter((w) => !w.decisions).length;

    // The verdict.
    const run = { start: t0, end: tEnd };
    const series = (f: (s: Sample) => number | undefined) => samples.map((x) => ({ t: x.t, y: f(x) })).filter((p): p is { t: number; y: number } => p.y !== undefined && Number.isFinite(p.y));
    const th = SOAK_THRESHOLDS;
    const mem = { scale: 1, label: "MB", perHour: true };
    const checks: Check[] = [
      growthCheck("front RSS flat", series((x) => x.front.rssMb), run.start, run.end, th.memoryGrowth, 0, mem),
      growthCheck("app process RSS flat", series((x) => x.app.rssMb), run.start, run.end, th.memoryGrowth, 0, mem),
      growthCheck("front V8 heap flat", series((x) => x.front.heapMb), run.start, run.end, th.memoryGrowth, 0, mem),
      growthCheck("app process V8 heap flat", series((x) => x.app.heapMb), run.start, run.end, th.memoryGrowth, 0, mem),
      p99Check(windows.filter((w) => w.decisions).map((w) => ({ t: (w.start + w.end) / 2, p99: w.decisions!.p99 })), run.start, run.end),
      growthCheck("front descriptors not growing", series((x) => x.front.fds), run.start, run.end, th.connectionGrowth, th.connectionSlack, { scale: 1, label: "fds" }),
      growthCheck("app process descriptors not growing", series((x) => x.app.fds), run.start, run.end, th.connectionGrowth, th.connectionSlack, { scale: 1, label: "fds" }),
      growthCheck("Postgres connections not growing", series((x) => x.pg.total), run.start, run.end, th.connectionGrowth, th.connectionSlack, { scale: 1, label: "connections" }),
      failureCheck({
        decisionErrors: windows.reduce((x, w) => x + (w.decisions?.errors ?? 0), 0),
        decisionNon2xx: windows.reduce((x, w) => x + (w.decisions?.non2xx ?? 0), 0),
        notAllowed: totals.not_allowed,
        uncommitted: failedWindows ? 0 : Math.max(0, answered - fromLoad),
        failedWindows,
        consoleFailures: hits.filter((h) => h.status < 200 || h.status >= 300 || h.error).length,
        exportFailures: exports.filter((e) => e.status !== 200 || e.error).length,
        streamDrops: live.streams.page.drops + live.streams.nav.drops,
      }),
    ];
    const verdict = overall(checks);

    const all = windows.filter((w) => w.decisions).map((w) => w.decisions!);
    const requests = all.reduce((x, d) => x + d.requests, 0);
    const cons = stat(hits.filter((h) => h.what === "page" || h.what === "list"));
    const ups = stat(hits.filter((h) => h.what === "catch-up"));
    const lagAll = lags.length ? quantiles(lags.map((l) => l.ms)) : { p50: NaN, p99: NaN, max: NaN };
    const byWhat = (what: string) => {
      const xs = hits.filter((h) => h.what === what);
      const q = xs.length ? quantiles(xs.map((h) => h.ms)) : { p50: NaN, p99: NaN, max: NaN };
      return `${xs.length} ${what}${xs.length === 1 ? "" : "s"} p50 ${fmt(q.p50)} / p99 ${fmt(q.p99)} / max ${fmt(q.max)} ms`;
    };
    const last = samples[samples.length - 1];
    console.log(`\nSoak: ${fmt((tEnd - t0) / 60_000, 1)} min at ${fmt(cfg.rate)} decisions/s; ${fmt(requests)} decisions answered (${fmt(requests / ((tEnd - t0) / 1000))}/s over the run), ${fmt(fromLoad)} committed, ${fmt(totals.audited - 1)} with their audit event`);
    console.log(`windows: p99 ${fmt(Math.min(...all.map((d) => d.p99)), 2)}–${fmt(Math.max(...all.map((d) => d.p99)), 2)} ms, p50 ${fmt(Math.min(...all.map((d) => d.p50)), 2)}–${fmt(Math.max(...all.map((d) => d.p50)), 2)} ms, worst single answer ${fmt(Math.max(...all.map((d) => d.max)), 1)} ms; server's own p99 (Server-Timing) ${fmt(Math.min(...all.map((d) => d.server?.p99 ?? NaN)), 2)}–${fmt(Math.max(...all.map((d) => d.server?.p99 ?? NaN)), 2)} ms; the sender's own lateness p99 up to ${fmt(Math.max(...all.map((d) => d.latenessP99)), 2)} ms`);
    console.log(`CPU per window: front ${fmt(Math.min(...windows.map((w) => w.cpuPct.front)))}–${fmt(Math.max(...windows.map((w) => w.cpuPct.front)))}%, app process ${fmt(Math.min(...windows.map((w) => w.cpuPct.app)))}–${fmt(Math.max(...windows.map((w) => w.cpuPct.app)))}% of a core; load average ${fmt(Math.min(...samples.map((x) => x.load1)), 1)}–${fmt(Math.max(...samples.map((x) => x.load1)), 1)}`);
    console.log(`console: ${cons.n} page and list loads (${cons.failed} failed): ${byWhat("page")}; ${byWhat("list")}`);
    console.log(`live session page: ${ups.n} timeline catch-ups (${ups.failed} failed), ${byWhat("badge")}; page stream ${live.streams.page.changes.length} change events, nav stream ${live.streams.nav.changes.length}, ${live.streams.page.drops + live.streams.nav.drops} drops; the page's newest call behind the clock p50 ${fmt(lagAll.p50)} / p99 ${fmt(lagAll.p99)} / max ${fmt(lagAll.max)} ms`);
    for (const e of exports) console.log(`export at ${fmt((e.t - t0) / 60_000, 1)} min: ${e.kind}: ${e.status}${e.error ? ` ${e.error}` : ""}, ${fmt(e.bytes / 1024)} KiB in ${fmt(e.ms)} ms`);
    if (last) {
      const hs = (p: ProcSample) => `${p.tcp ?? "–"} TCP sockets, ${p.pipes ?? "–"} pipes, ${p.timers ?? "–"} timers, ${p.threads} threads, heap after the last full GC ${fmt(p.heapAfterMajorGcMb ?? NaN)} MB (${p.majorGcs ?? "–"} full GCs)`;
      console.log(`at the end: front ${hs(last.front)}; app process ${hs(last.app)}; Postgres ${last.pg.total} connections (${last.pg.active} active, ${last.pg.idle} idle); database ${fmt(last.dbMb)} MB`);
    }
    console.log("\nThresholds:");
    for (const l of describeThresholds()) console.log(`- ${l}`);
    console.log(`\nVerdict: ${verdict}`);
    for (const c of checks) console.log(`- ${c.name}: ${c.ok === null ? "not judged" : c.ok ? "yes" : "NO"} — ${c.detail}`);
    if (cfg.minutes < 60) console.log(`(a ${fmt(cfg.minutes, cfg.minutes % 1 ? 1 : 0)}-minute run: the thirds are short; the issue's figure is the one-hour run)`);

    const windowRows = windows.map((w) => ({
      window: w.index,
      start: new Date(w.start).toISOString(),
      seconds: (w.end - w.start) / 1000,
      requests: w.decisions?.requests,
      rps: w.decisions?.rps,
      p50_ms: w.decisions?.p50,
      p99_ms: w.decisions?.p99,
      max_ms: w.decisions?.max,
      server_p99_ms: w.decisions?.server?.p99,
      sender_lateness_p99_ms: w.decisions?.latenessP99,
      waited: w.decisions?.waited,
      errors: w.decisions?.errors,
      non2xx: w.decisions?.non2xx,
      failure: w.failure,
      committed: w.committed,
      not_allowed: w.notAllowed,
      front_cpu_pct: w.cpuPct.front,
      app_cpu_pct: w.cpuPct.app,
      front_rss_mb: w.front.rssMb,
      front_heap_mb: w.front.heapMb,
      front_fds: w.front.fds,
      front_sockets: w.front.sockets,
      app_rss_mb: w.app.rssMb,
      app_heap_mb: w.app.heapMb,
      app_fds: w.app.fds,
      app_sockets: w.app.sockets,
      pg_connections: w.pgConnections,
      console_requests: w.console.n,
      console_failed: w.console.failed,
      console_p50_ms: w.console.p50,
      console_max_ms: w.console.max,
      live_requests: w.catchUps.n,
      live_failed: w.catchUps.failed,
      live_lag_p50_ms: w.liveLag.p50,
      live_lag_max_ms: w.liveLag.max,
      stream_changes: w.streamChanges,
      exports: w.exports.n,
      exports_failed: w.exports.failed,
      export_max_ms: w.exports.maxMs,
      load1: w.load1,
    }));
    const probeAtEnd = machineProbe();
    console.log(`machine at the end: ${probeAtEnd}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
    fs.writeFileSync(path.join(outDir, "windows.csv"), csv(windowRows));
    fs.writeFileSync(path.join(outDir, "samples.csv"), csv(samples.map(flat)));
    fs.writeFileSync(
      path.join(outDir, "soak.json"),
      JSON.stringify(
        {
          config: cfg,
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: os.totalmem() / 2 ** 30, node: process.version, probeAtEnd },
          thresholds: SOAK_THRESHOLDS,
          run: { start: new Date(t0).toISOString(), end: new Date(tEnd).toISOString(), frontPid: front, appPid: app },
          totals: { requests, answered2xx: answered, committed: fromLoad, audited: totals.audited - 1, notAllowed: totals.not_allowed },
          verdict,
          checks,
          windows: windowRows,
          samples,
          exports,
          streams: { page: { ...live.streams.page, changes: live.streams.page.changes.length }, nav: { ...live.streams.nav, changes: live.streams.nav.changes.length } },
        },
        null,
        1,
      ),
    );
    console.log(`\nper-window figures: ${path.join(outDir, "windows.csv")}; every sample: ${path.join(outDir, "samples.csv")}; all of it: ${path.join(outDir, "soak.json")}; server stdout and probe lines beside them`);
  } finally {
    for (const c of cleanups) await c();
    await monitor.end().catch(() => {});
    await dbc.end().catch(() => {});
    await server?.stop();
    await database.drop();
  }
}
