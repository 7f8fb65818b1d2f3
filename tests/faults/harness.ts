// The pieces of the fault tests (e2e/api/faults*.spec.ts, `npm run faults`): Warden's built
// server as real processes, a small load balancer, a steady decision load that records every
// answer, and the checks that hold whatever the fault: every allow that was answered has its
// decision row and its audit event committed, no decision id was answered twice with different
// outcomes, a decision row never lacks its audit event (nor the reverse), the audit chain
// verifies, and a refusal is only ever the documented 503 deny (README "When the database is
// unavailable"), never a 500.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { verifyAuditChain } from "../../lib/audit/verify";
import { generateSigner } from "../../lib/audit/log/note";
import { openDatabase, rows, type Db, type OpenOptions } from "../../lib/db/client";
import { connectorCreateSchema } from "../../lib/domain/connectors/schemas";
import { personCreateSchema } from "../../lib/domain/people/schemas";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { createPerson } from "../../lib/services/people/create";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { createToken } from "../../lib/services/tokens/create";
import { appProcessOf, freePort } from "../processes";

export { freePort };

export const ROOT = path.resolve(__dirname, "../..");
const SERVER = path.join(ROOT, ".next/warden-server.cjs");

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every 100 ms until it gives something truthy; undefined when `ms` ran out. */
export async function until<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return undefined;
    await sleep(100);
  }
}

/** One audit signing key for every instance of a test (README: give every instance the same key). */
export function auditKey(label: string): string {
  return generateSigner("warden.local/audit", createHash("sha256").update(label).digest()).secretText;
}

// ---------------------------------------------------------------------------------------------
// Warden's built server (`npm start`), as a supervisor runs it.

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

// A test run that dies without its cleanup must not leave servers behind.
const live = new Set<Instance>();
process.once("exit", () => {
  for (const i of live) i.destroy();
});

/**
 * One Warden instance: `node .next/warden-server.cjs` in a process group of its own (on Postgres
 * the front and its app process), its output appended to `log`. Start it again after it stopped,
 * as a supervisor would, with the same or a changed environment.
 */
export class Instance {
  proc: ChildProcess | undefined;
  exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  readonly base: string;
  private all = new Set<number>();

  constructor(
    readonly name: string,
    readonly port: number,
    public env: Record<string, string>,
    readonly log: string,
  ) {
    this.base = `http://127.0.0.1:${port}`;
    live.add(this);
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Spawns the server; resolves once /api/health answers 200, or with the exit if it ends first. */
  async start(withinMs = 90_000): Promise<Exit | undefined> {
    if (!fs.existsSync(SERVER)) throw new Error("run `npm run build` first: no .next/warden-server.cjs");
    fs.appendFileSync(this.log, `\n===== ${new Date().toISOString()} ${this.name}: start =====\n`);
    const out = fs.openSync(this.log, "a");
    const proc = spawn(process.execPath, [SERVER, "-p", String(this.port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", WARDEN_DEMO: "0", PORT: String(this.port), NEXTAUTH_URL: this.base, ...this.env },
      stdio: ["ignore", out, out],
      detached: true, // its own process group: the front and its app process go down together
    });
    fs.closeSync(out);
    this.proc = proc;
    this.all.add(proc.pid!);
    this.exited = new Promise((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
    let ended: Exit | undefined;
    void this.exited.then((e) => (ended = e));
    const up = await until(async () => ended ?? (await fetch(`${this.base}/api/health`).then((r) => r.ok, () => false)), withinMs);
    if (ended) return ended;
    if (!up) throw new Error(`${this.name} did not answer on ${this.base} within ${withinMs} ms:\n${this.tail()}`);
    return undefined;
  }

  /** SIGTERM to the server (what a supervisor sends): it finishes what it has in flight and exits. */
  async stop(withinMs = 30_000): Promise<Exit | "still running"> {
    if (!this.running) return this.exited;
    this.proc!.kill("SIGTERM");
    return Promise.race([this.exited, sleep(withinMs).then(() => "still running" as const)]);
  }

  /** SIGKILL to the whole process group: the instance is gone at once, mid-whatever. */
  async kill(): Promise<Exit> {
    try {
      process.kill(-this.proc!.pid!, "SIGKILL");
    } catch {}
    const exit = await this.exited;
    await until(() => !fs.existsSync(`/proc/${this.proc!.pid}`), 5_000);
    this.removeSockets();
    return exit;
  }

  /** The app process behind the front (Postgres only): the group's process with WARDEN_ROLE=app. */
  appPid(): number {
    return appProcessOf(this.proc!.pid!);
  }

  /** The log from `from` (a byte offset, e.g. logSize() before a fault) on. */
  logText(from = 0): string {
    try {
      return fs.readFileSync(this.log, "utf8").slice(from);
    } catch {
      return "";
    }
  }

  logSize(): number {
    return this.logText().length;
  }

  tail(lines = 40): string {
    return this.logText().split("\n").slice(-lines).join("\n");
  }

  /**
   * Every process group this instance ever started, killed: the cleanup, whatever happened. A
   * front killed outright leaves its app process's socket behind (lib/server/front.ts): removed.
   */
  destroy() {
    live.delete(this);
    for (const pid of this.all) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {}
    }
    this.removeSockets();
  }

  private removeSockets() {
    for (const pid of this.all) {
      if (!fs.existsSync(`/proc/${pid}`)) fs.rmSync(path.join(os.tmpdir(), `warden-app-${pid}.sock`), { force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// A load balancer: round robin over the backends, each request on a new connection; a backend
// that refuses the connection (stopped, restarting) is skipped for the next one, as any proxy
// does with a down upstream. A connection that fails after the request went out is a 502, as
// nginx answers then: the request may have been decided, so it is not sent again.

export type Balancer = { url: string; close: () => Promise<void>; answeredBy: Map<string, number>; retried: number };

/**
 * A round-robin balancer that checks its backends' health every 100 ms, as real ones do, and
 * sends nothing new to one whose health check says it is draining (README "Restarts, failover,
 * a killed process, a full disk"); a refused connection goes to the next backend.
 */
export async function startBalancer(backends: () => string[]): Promise<Balancer> {
  let next = 0;
  const answeredBy = new Map<string, number>();
  const lb: Balancer = { url: "", close: async () => {}, answeredBy, retried: 0 };
  const sockets = new Set<net.Socket>();
  const draining = new Set<string>();
  const check = (base: string) =>
    new Promise<void>((resolve) => {
      const r = http.get(`${base}/api/health`, { agent: false, timeout: 500 }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c));
        res.on("end", () => {
          if (res.statusCode === 503 && text.includes('"draining"')) draining.add(base);
          else draining.delete(base);
          resolve();
        });
        res.on("error", () => resolve());
      });
      // A backend that is down is not draining: refused connections are retried elsewhere.
      r.on("error", () => (draining.delete(base), resolve()));
      r.on("timeout", () => r.destroy());
    });
  let checking = false;
  const health = setInterval(() => {
    if (checking) return;
    checking = true;
    void Promise.all(backends().map(check)).finally(() => (checking = false));
  }, 100);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const all = backends();
      const serving = all.filter((b) => !draining.has(b));
      const list = serving.length ? serving : all;
      const first = next++;
      const attempt = (n: number) => {
        if (n >= list.length) {
          if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end("no backend");
          return;
        }
        const target = new URL(list[(first + n) % list.length]);
        const headers = { ...req.headers, connection: "close", "content-length": String(body.length) };
        delete headers["transfer-encoding"];
        const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false }, (r) => {
          answeredBy.set(target.origin, (answeredBy.get(target.origin) ?? 0) + 1);
          const h = { ...r.headers };
          delete h.connection;
          delete h["keep-alive"];
          res.writeHead(r.statusCode ?? 502, h);
          if (String(r.headers["content-type"] ?? "").startsWith("text/event-stream")) res.flushHeaders();
          r.pipe(res);
          r.on("error", () => res.destroy());
          r.on("aborted", () => res.destroy());
        });
        let sent = false;
        up.on("socket", (s) => s.on("connect", () => (sent = true)));
        up.on("error", (err: NodeJS.ErrnoException) => {
          if (!sent && err.code === "ECONNREFUSED") {
            lb.retried++;
            return attempt(n + 1);
          }
          if (res.headersSent) res.destroy();
          else res.writeHead(502, { "content-type": "text/plain" }).end(`backend failed: ${err.code ?? err.message}`);
        });
        res.on("close", () => {
          if (!res.writableFinished) up.destroy();
        });
        up.end(body);
      };
      attempt(0);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  lb.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  lb.close = () =>
    new Promise<void>((r) => {
      clearInterval(health);
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return lb;
}

/**
 * A name that moves: a TCP proxy in front of Postgres, as a virtual IP, a DNS name with a short
 * TTL or a pooler would be. `moveTo` points it at another server and cuts every connection it
 * carries (a moved address breaks established TCP connections the same way), so clients must
 * reconnect by themselves and reach the new one.
 */
export type MovingName = { url: string; port: number; moveTo: (port: number) => void; cut: number; close: () => Promise<void> };

export async function startMovingName(targetPort: number): Promise<MovingName> {
  let target = targetPort;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    const up = net.connect(target, "127.0.0.1");
    const pair: [net.Socket, net.Socket] = [client, up];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      up.destroy();
    };
    client.on("error", drop).on("close", drop);
    up.on("error", drop).on("close", drop);
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const name: MovingName = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    cut: 0,
    moveTo: (p) => {
      target = p;
      for (const [c, u] of [...pairs]) {
        name.cut++;
        c.destroy();
        u.destroy();
      }
      pairs.clear();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const [c, u] of pairs) (c.destroy(), u.destroy());
        server.close(() => r());
      }),
  };
  return name;
}

// ---------------------------------------------------------------------------------------------
// A steady decision load: `concurrency` agents' tool calls in a loop, each answer kept.

// Only allows under load: a session with five denials escalates every further call (the
// repeated-denials guardrail).
export const READ = { connector: "github", tool: "issues", operation: "read" }; // in the intent: allow
export const WRITE = { connector: "github", tool: "issues", operation: "write" }; // outside it: escalate
/** A read with the most a decision keeps (a 500-character resource, 50 argument names): about 7 KB of WAL. */
export function heavyRead(): object {
  const hex = (n: number) => randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n);
  return { ...READ, resource: hex(500), arguments: Object.fromEntries(Array.from({ length: 50 }, () => [hex(100), 1])) };
}

export type Answer = {
  target: string;
  sentAt: number;
  at: number;
  /** HTTP status, 0 when the connection failed (`error` says how). */
  status: number;
  decision?: string;
  decisionId?: string | null;
  body?: Record<string, unknown>;
  retryAfter?: string;
  error?: string;
};

export class Load {
  readonly answers: Answer[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private agents = new Map<string, http.Agent>();

  constructor(
    private opts: { targets: () => string[]; key: string; sessionId: string; concurrency: number; pauseMs?: number; action?: object },
  ) {}

  start(): this {
    this.running = true;
    this.workers = Array.from({ length: this.opts.concurrency }, (_, w) => this.worker(w));
    return this;
  }

  async stop(): Promise<Answer[]> {
    this.running = false;
    await Promise.all(this.workers);
    for (const a of this.agents.values()) a.destroy();
    return this.answers;
  }

  /** Allows answered since `t` (ms since the epoch), optionally by one target. */
  allowsSince(t: number, target?: string): number {
    return this.answers.filter((a) => a.at >= t && a.decision === "allow" && a.status === 200 && (!target || a.target === target)).length;
  }

  /** Waits until `count` allows were answered after `t`; false when `ms` ran out. */
  async allowsAfter(t: number, count: number, ms: number, target?: string): Promise<boolean> {
    return !!(await until(() => this.allowsSince(t, target) >= count, ms));
  }

  /** Worker `w` keeps to one target (of those there are now), so each has its share in flight. */
  private async worker(w: number) {
    while (this.running) {
      const targets = this.opts.targets();
      const target = targets[w % targets.length];
      const a = await authorizeOnce(target, this.opts.key, this.opts.sessionId, this.opts.action ?? READ, this.agentFor(target));
      this.answers.push(a);
      if (a.status === 0 || a.status === 503 || a.status === 502) await sleep(50); // as a client backs off
      else if (this.opts.pauseMs) await sleep(this.opts.pauseMs);
    }
  }

  private agentFor(target: string): http.Agent {
    let a = this.agents.get(target);
    if (!a) this.agents.set(target, (a = new http.Agent({ keepAlive: true, maxSockets: this.opts.concurrency })));
    return a;
  }
}

/** One POST /api/v1/authorize, never throwing: a failed connection is an answer with status 0. */
export function authorizeOnce(target: string, key: string, sessionId: string, action: object, agent?: http.Agent): Promise<Answer> {
  const body = JSON.stringify({ sessionId, action });
  const sentAt = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Omit<Answer, "target" | "sentAt" | "at">) => {
      if (done) return;
      done = true;
      resolve({ target, sentAt, at: Date.now(), ...a });
    };
    const req = http.request(
      `${target}/api/v1/authorize`,
      { method: "POST", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (err: NodeJS.ErrnoException) => finish({ status: 0, error: err.code ?? err.message }));
        res.on("aborted", () => finish({ status: 0, error: "aborted mid-answer" }));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: Record<string, unknown> | undefined;
          try {
            parsed = JSON.parse(text);
          } catch {}
          finish({
            status: res.statusCode ?? 0,
            body: parsed ?? { text: text.slice(0, 200) },
            decision: typeof parsed?.decision === "string" ? parsed.decision : undefined,
            decisionId: parsed?.decisionId as string | null | undefined,
            retryAfter: res.headers["retry-after"] as string | undefined,
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "TIMEOUT" })));
    req.on("error", (err: NodeJS.ErrnoException) => finish({ status: 0, error: err.code ?? err.message }));
    req.end(body);
  });
}

/** The 503 of README "When the database is unavailable", exactly (the request id aside). */
export function isDocumentedDeny(a: Answer): boolean {
  const b = a.body as { decision?: string; decisionId?: unknown; reasons?: { code?: string }[]; error?: { code?: string } } | undefined;
  return (
    a.status === 503 &&
    a.retryAfter === "2" &&
    b?.decision === "deny" &&
    b.decisionId === null &&
    b.reasons?.length === 1 &&
    b.reasons[0].code === "warden.unavailable" &&
    b.error?.code === "unavailable"
  );
}

/** Counts of what the clients got, for the report. */
export function tally(answers: Answer[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const a of answers) {
    const reasons = ((a.body?.reasons as { code?: string }[] | undefined) ?? []).map((r) => r.code).join("+");
    const k =
      a.status === 0 ? `failed:${a.error}` : a.status === 200 ? `${a.decision}${a.decision === "allow" ? "" : ` (${reasons})`}` : a.status === 503 && isDocumentedDeny(a) ? "503 deny" : `HTTP ${a.status} ${JSON.stringify(a.body).slice(0, 60)}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// What must hold after any fault.

export type Expectations = {
  /** Connection failures the clients may see (an instance killed under them). */
  connectionFailures?: boolean;
  /** 502 from the balancer (a backend failed after the request went out). */
  badGateway?: boolean;
};

/**
 * Every problem with the answers, checked against the database at `url` (or the embedded one in
 * a folder, after its server stopped): a 500 or any status but 200 and the documented 503; an
 * allow whose decision row or audit event is missing or says something else; a decision id
 * answered twice differently; in the sessions, a decision without its audit event or an audit
 * event without its decision; a broken audit chain.
 */
export async function problemsWith(answers: Answer[], database: OpenOptions, sessionIds: string[], expect: Expectations = {}): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const a of answers) {
    if (a.status === 0) {
      if (!expect.connectionFailures) problems.push(`a connection failed (${a.error}) at ${new Date(a.at).toISOString()} on ${a.target}`);
      continue;
    }
    if (a.status === 502 && expect.badGateway) continue;
    if (a.status === 503) {
      if (!isDocumentedDeny(a)) problems.push(`a 503 that is not the documented deny: ${JSON.stringify(a.body)} (Retry-After ${a.retryAfter})`);
      continue;
    }
    if (a.status !== 200) {
      problems.push(`HTTP ${a.status} from ${a.target}: ${JSON.stringify(a.body)}`);
      continue;
    }
    if (!["allow", "deny", "escalate"].includes(a.decision ?? "") || typeof a.decisionId !== "string") {
      problems.push(`a 200 that is not a recorded decision: ${JSON.stringify(a.body)}`);
      continue;
    }
    const before = seen.get(a.decisionId);
    if (before && before !== a.decision) problems.push(`decision ${a.decisionId} answered ${before} and ${a.decision}`);
    seen.set(a.decisionId, a.decision!);
  }

  const handle = await openDatabase(database.kind === "postgres" ? { ...database, poolSize: 2 } : database);
  try {
    const db = handle.db;
    const ids = [...seen.keys()];
    const recorded = new Map<string, { outcome: string; audit: string[] }>();
    for (let i = 0; i < ids.length; i += 5000) {
      const chunk = ids.slice(i, i + 5000);
      const found = rows<{ id: string; outcome: string; audit: string[] | null }>(
        await db.execute(sql`
          select d.id::text as id, d.outcome::text as outcome, array_agg(e.action) filter (where e.action is not null) as audit
          from decisions d
          left join audit_events e on e.target_kind = 'decision' and e.target_id = d.id::text and e.session_id = d.session_id
          where d.id = any(${`{${chunk.join(",")}}`}::uuid[])
          group by d.id, d.outcome`),
      );
      for (const r of found) recorded.set(r.id, { outcome: r.outcome, audit: r.audit ?? [] });
    }
    let missing = 0;
    for (const [id, outcome] of seen) {
      const r = recorded.get(id);
      if (!r) {
        if (outcome === "allow" || missing < 5) problems.push(`answered ${outcome} ${id} has no decision row`);
        missing++;
      } else if (r.outcome !== outcome) problems.push(`answered ${outcome} ${id} is recorded as ${r.outcome}`);
      else if (r.audit.length !== 1 || r.audit[0] !== `decision.${outcome}`) problems.push(`answered ${outcome} ${id} has audit events ${JSON.stringify(r.audit)}`);
    }
    // Decisions nobody got an answer for (the instance died between commit and answer) are
    // fine, but only whole: each decision row with exactly its one audit event, and no audit
    // event for a decision that is not there.
    const sessions = `{${sessionIds.join(",")}}`;
    const orphans = rows<{ kind: string; n: number }>(
      await db.execute(sql`
        with d as (select id::text as id, 'decision.' || outcome::text as action from decisions where session_id = any(${sessions}::uuid[])),
             e as (select target_id, action from audit_events where target_kind = 'decision' and session_id = any(${sessions}::uuid[]))
        select 'decision without its audit event' as kind, count(*)::int as n from d left join e on e.target_id = d.id and e.action = d.action where e.target_id is null
        union all
        select 'audit event without its decision', count(*)::int from e left join d on d.id = e.target_id and d.action = e.action where d.id is null
        union all
        select 'decision with more than one audit event', count(*)::int from (select target_id from e group by target_id having count(*) > 1) x`),
    );
    for (const o of orphans) if (o.n > 0) problems.push(`${o.n} ${o.kind}`);
    const chain = await verifyAuditChain(db);
    if (!chain.ok) problems.push(`audit chain broken at seq ${chain.break.seq}: ${chain.break.problem}`);
  } finally {
    await handle.close();
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// What the tests start from.

export type Seed = { key: string; agentId: string; adminToken: string };

/**
 * On a database (migrated here first): the guardrails, a GitHub connector, an agent that may use
 * `github:issues.*` with its key, and an admin with an API token; then `then`, if given.
 */
export async function seed(database: OpenOptions, then?: (db: Db) => Promise<void>): Promise<Seed> {
  const handle = await openDatabase(database);
  try {
    const db: Db = handle.db;
    const system = { actor: { kind: "system" as const, label: "fault test" } };
    await ensureGuardrails(db);
    await createConnector(
      db,
      system,
      connectorCreateSchema.parse({
        name: "github",
        displayName: "GitHub",
        kind: "saas_api",
        sensitivity: "internal",
        tools: [
          { name: "issues", operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] },
          { name: "repos", operations: [{ name: "delete", access: "admin" }] },
        ],
      }),
    );
    const agent = await createAgent(db, system, { name: "fault-bot", identityKind: "key", team: "sre", purpose: "fault tests", riskTier: "medium", envelope: { actions: ["github:issues.*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
    const key = (await issueAgentKey(db, system, agent!.id, { name: "fault", expiresInDays: 1 })).secret;
    const person = (await createPerson(db, system, personCreateSchema.parse({ email: "sre@warden.test", name: "sre", role: "admin", password: randomBytes(12).toString("hex") }))).person;
    const token = (await createToken(db, { actor: { kind: "person", id: person.id, label: person.email } }, person.id, { name: "faults", expiresInDays: 1 })).token;
    await then?.(db);
    return { key, agentId: agent!.id, adminToken: token };
  } finally {
    await handle.close();
  }
}

/** A folder for one test's logs and data, removed by `cleanup` unless WARDEN_FAULTS_KEEP=1. */
export function workDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `warden-${prefix}-`));
  return { dir, cleanup: () => process.env.WARDEN_FAULTS_KEEP === "1" || fs.rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// The live feed as a browser's EventSource reads it: on a dropped connection it connects again
// after the `retry` the server sent. (A browser gives up on a non-200 answer; Warden's pages
// then open a new one: lib/client/use-live.ts.)

export type FeedReader = { readies: number; changes: number[]; refusals: number; close: () => void };

export function readFeed(url: string, token: string): FeedReader {
  const feed: FeedReader = { readies: 0, changes: [], refusals: 0, close: () => {} };
  let retry = 2000;
  let closed = false;
  let current: http.ClientRequest | undefined;
  const connect = () => {
    if (closed) return;
    let over = false;
    const again = () => {
      if (over) return;
      over = true;
      current = undefined;
      if (!closed) setTimeout(connect, retry);
    };
    const req = http.get(url, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" }, agent: false }, (res) => {
      if (res.statusCode !== 200 || !String(res.headers["content-type"]).startsWith("text/event-stream")) {
        feed.refusals++;
        res.resume();
        res.on("end", again);
        return;
      }
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const r = /^retry: (\d+)$/m.exec(block)?.[1];
          if (r) retry = Number(r);
          if (event === "ready") feed.readies++;
          if (event === "change") feed.changes.push(Date.now());
        }
      });
      res.on("error", () => {});
      res.on("close", again);
    });
    req.on("error", again);
    current = req;
  };
  connect();
  feed.close = () => {
    closed = true;
    current?.destroy();
  };
  return feed;
}
