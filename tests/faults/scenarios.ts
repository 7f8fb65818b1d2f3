// The fault scenarios of issue 26 (points 4 and 6), on real components: private Postgres clusters
// from the Debian packages (a streaming replica for the failover), Warden's built server as
// real processes, real signals, a real full filesystem. Each returns its problems (empty when
// everything held) and the figures it saw. The Playwright specs (e2e/api/faults*.spec.ts) run
// them short in the suite; `npm run faults` runs them longer and harder (tests/faults/run.ts).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { rows } from "../../lib/db/client";
import { Warden } from "../../sdk";
import { startPrivateCluster, type PrivateCluster } from "../integration/private-cluster";
import {
  auditKey,
  authorizeOnce,
  freePort,
  heavyRead,
  Instance,
  isDocumentedDeny,
  Load,
  problemsWith,
  readFeed,
  READ,
  seed,
  sleep,
  startBalancer,
  startMovingName,
  tally,
  until,
  workDir,
  WRITE,
  type Answer,
  type Balancer,
  type MovingName,
  type Seed,
} from "./harness";

export type Report = { name: string; problems: string[]; facts: Record<string, unknown> };

/** How hard and how long: the suite's short runs, and `npm run faults`'s long ones. */
export type Pace = {
  /** Agents asking at once, each right after its previous answer (plus pauseMs). */
  concurrency: number;
  pauseMs: number;
  /** Allows to see before a fault, and after recovery before calling it recovered. */
  allows: number;
  /** How long Postgres stays down. */
  outageMs: number;
  /** The longest a recovery may take before it counts as not recovering by itself (generous). */
  recoverMs: number;
  /** How many times each fault is repeated (the long run does several rounds). */
  rounds: number;
};

export const SHORT: Pace = { concurrency: 6, pauseMs: 2, allows: 40, outageMs: 1_500, recoverMs: 30_000, rounds: 1 };
export const FULL: Pace = { concurrency: 24, pauseMs: 0, allows: 3_000, outageMs: 10_000, recoverMs: 60_000, rounds: 3 };

// ---------------------------------------------------------------------------------------------
// Two instances on one Postgres, behind a balancer.

/**
 * A private Postgres (durable commits: a crash keeps what was committed), two Warden instances
 * on it (each a front and its app process), a round-robin balancer in front of them, an agent
 * with a session, and an admin with an API token.
 */
export class PostgresFleet {
  clusters: PrivateCluster[] = [];
  current!: PrivateCluster;
  instances: Instance[] = [];
  lb!: Balancer;
  /** Names that move (failoverBehindName), closed with the fleet. */
  names: MovingName[] = [];
  seed!: Seed;
  sessionId = "";
  /** Every answer any scenario got, for the checks across all of them. */
  readonly answers: Answer[] = [];
  private work = workDir("faults");

  static async start(): Promise<PostgresFleet> {
    const f = new PostgresFleet();
    try {
      f.current = await startPrivateCluster({ durable: true });
      f.clusters.push(f.current);
      f.seed = await seed({ kind: "postgres", url: f.current.url });
      const key = auditKey("warden fault tests");
      for (const name of ["A", "B"]) {
        const env = { DATABASE_URL: f.current.url, WARDEN_AUDIT_KEY: key, WARDEN_DATA_DIR: path.join(f.work.dir, "data"), WARDEN_DB_POOL_SIZE: "6", WARDEN_DRAIN_SECONDS: "0.5" };
        f.instances.push(new Instance(name, await freePort(), env, path.join(f.work.dir, `${name}.log`)));
      }
      await Promise.all(f.instances.map((i) => i.start()));
      f.lb = await startBalancer(() => f.instances.map((i) => i.base));
      const s = await new Warden({ baseUrl: f.lb.url, token: f.seed.key }).openSession({ goal: "triage issues under faults", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 3600 });
      f.sessionId = s.id;
      return f;
    } catch (err) {
      await f.close();
      throw err;
    }
  }

  /** A load on `targets` (default: through the balancer). */
  load(pace: Pace, targets: () => string[] = () => [this.lb.url]): Load {
    return new Load({ targets, key: this.seed.key, sessionId: this.sessionId, concurrency: pace.concurrency, pauseMs: pace.pauseMs });
  }

  async finish(load: Load, checks: Parameters<typeof problemsWith>[3] = {}): Promise<string[]> {
    const answers = await load.stop();
    this.answers.push(...answers);
    return problemsWith(answers, { kind: "postgres", url: this.current.url }, [this.sessionId], checks);
  }

  /**
   * Every answer of every scenario so far, checked again against the database as it is now (the
   * promoted replica after a failover): nothing answered before any of the faults went missing
   * after a later one, and no decision id was ever answered twice differently.
   */
  async everything(): Promise<Report> {
    const problems = await problemsWith(this.answers, { kind: "postgres", url: this.current.url }, [this.sessionId], { connectionFailures: true, badGateway: true });
    return { name: "every answer of every scenario, against the database as it is at the end", problems, facts: tally(this.answers) };
  }

  logs(): string {
    return this.instances.map((i) => `--- ${i.name} (${i.log})\n${i.tail(30)}`).join("\n");
  }

  async close() {
    await this.lb?.close();
    await Promise.all(this.instances.map((i) => i.stop(15_000)));
    await Promise.all(this.names.map((n) => n.close()));
    for (const i of this.instances) i.destroy();
    for (const c of this.clusters) c.destroy();
    this.work.cleanup();
  }
}

const outageLines = (text: string) => ({
  unreachable: text.split("\n").filter((l) => l.includes("[warden] database unreachable")).length,
  back: text.split("\n").filter((l) => l.includes("[warden] database reachable again")).length,
  stacks: text.split("\n").filter((l) => /^\s+at /.test(l)).length,
});

/**
 * Point 6a: Postgres crashes (`immediate`) or is restarted (`fast`) under load. While it is down
 * every decision is the documented 503 deny, never an allow, never a 500; each process says so
 * once in its log, without stack traces; once it is back the decisions come back by themselves.
 */
export async function postgresDownUnderLoad(f: PostgresFleet, pace: Pace, mode: "immediate" | "fast" = "immediate"): Promise<Report> {
  const problems: string[] = [];
  const facts: Record<string, unknown> = { mode };
  const load = f.load(pace).start();
  if (!(await load.allowsAfter(Date.now(), pace.allows, pace.recoverMs))) problems.push("no steady allows before the fault");
  const logFrom = f.instances.map((i) => i.logSize());
  f.current.stop(mode);
  const stopped = Date.now();
  await sleep(pace.outageMs);
  const restarting = Date.now();
  f.current.start();
  const started = Date.now();
  const back = await until(() => load.answers.find((a) => a.sentAt >= started && a.decision === "allow" && a.status === 200), pace.recoverMs);
  if (!back) problems.push(`decisions did not come back within ${pace.recoverMs} ms of Postgres starting again`);
  else facts.firstAllowAfterStartMs = back.at - started;
  if (!(await load.allowsAfter(started, pace.allows, pace.recoverMs))) problems.push(`fewer than ${pace.allows} allows within ${pace.recoverMs} ms of Postgres starting again`);
  problems.push(...(await f.finish(load)));

  const during = load.answers.filter((a) => a.sentAt >= stopped && a.at <= restarting);
  facts.during = tally(during);
  facts.all = tally(load.answers);
  for (const a of during) if (a.status === 200) problems.push(`answered ${a.decision} ${a.decisionId} while Postgres was down`);
  if (!during.some(isDocumentedDeny)) problems.push("no 503 deny while Postgres was down: the fault was not seen");
  // Each process that said the database was unreachable says, within about a second of its
  // probe finding it again, that it is back.
  await until(() => f.instances.every((i, n) => outageLines(i.logText(logFrom[n])).back >= outageLines(i.logText(logFrom[n])).unreachable), 10_000);
  for (const [n, i] of f.instances.entries()) {
    const l = outageLines(i.logText(logFrom[n]));
    facts[`log ${i.name}`] = l;
    // A line per process (the front, and its app process if it noticed), not one per request
    // (a second only if a connection from before the outage failed after it was over).
    if (l.unreachable < 1 || l.unreachable > 4) problems.push(`${i.name} logged "database unreachable" ${l.unreachable} times`);
    if (l.back !== l.unreachable) problems.push(`${i.name} logged "database reachable again" ${l.back} times, "unreachable" ${l.unreachable} times`);
    if (l.stacks > 0) problems.push(`${i.name} logged ${l.stacks} stack trace lines`);
  }
  return { name: `Postgres ${mode === "immediate" ? "crashed" : "restarted"} under load`, problems, facts };
}

/**
 * Point 4: each instance in turn stopped with SIGTERM and started again under load behind the
 * balancer, then Postgres restarted. An escalation opened before it all is approved after it,
 * and the agent's wait on it, one SDK call from the start, resolves; the live feed reconnects and
 * carries changes again; the load recovers by itself.
 */
export async function rollingRestart(f: PostgresFleet, pace: Pace): Promise<Report> {
  const problems: string[] = [];
  const facts: Record<string, unknown> = {};
  const agent = new Warden({ baseUrl: f.lb.url, token: f.seed.key });
  const asked = await agent.authorize(f.sessionId, WRITE);
  if (asked.decision !== "escalate" || !asked.escalationId) throw new Error(`expected an escalation, got ${JSON.stringify(asked)}`);
  const waited = agent.waitForEscalation(asked.escalationId, { timeoutMs: 10 * 60_000 }).then(
    (e) => ({ status: e.status, at: Date.now() }),
    (err: Error) => ({ status: `failed: ${err.message}`, at: Date.now() }),
  );
  const feed = readFeed(`${f.lb.url}/api/v1/stream?session=${f.sessionId}`, f.seed.adminToken);
  const load = f.load(pace).start();
  try {
    if (!(await load.allowsAfter(Date.now(), pace.allows, pace.recoverMs))) problems.push("no steady allows before the restarts");
    if (!(await until(() => feed.readies >= 1, 10_000))) problems.push("the live feed did not connect");
    for (let round = 0; round < pace.rounds; round++) {
      for (const inst of f.instances) {
        const t0 = Date.now();
        const stopping = inst.stop();
        if (round === 0) {
          // Draining: it still answers decisions, and its health check tells the balancer to stop sending.
          await sleep(150);
          const health = await fetch(`${inst.base}/api/health`).then(async (r) => ({ status: r.status, body: await r.text() }), (err: Error) => ({ status: 0, body: err.message }));
          if (health.status !== 503 || !health.body.includes('"draining"')) problems.push(`${inst.name} draining: its health check answered ${health.status} ${health.body.slice(0, 100)}`);
          const served = await authorizeOnce(inst.base, f.seed.key, f.sessionId, READ);
          if (served.status !== 200 || served.decision !== "allow") problems.push(`${inst.name} draining: a decision got ${served.status} ${served.error ?? served.decision}`);
          else load.answers.push(served);
        }
        const exit = await stopping;
        if (exit === "still running" || exit.code !== 0) problems.push(`${inst.name} did not stop cleanly on SIGTERM: ${JSON.stringify(exit)}`);
        facts[`${inst.name} stop ms`] = Date.now() - t0;
        const stoppedAt = Date.now();
        if (!(await load.allowsAfter(stoppedAt, pace.allows, pace.recoverMs))) problems.push(`the other instance did not carry the load while ${inst.name} was down`);
        await inst.start();
        const before = f.lb.answeredBy.get(inst.base) ?? 0;
        if (!(await until(() => (f.lb.answeredBy.get(inst.base) ?? 0) >= before + pace.allows, pace.recoverMs))) problems.push(`${inst.name} took no load after it started again`);
      }
    }
    const pgDown = Date.now();
    f.current.stop("fast");
    await sleep(pace.outageMs);
    f.current.start();
    const pgUp = Date.now();
    if (!(await load.allowsAfter(pgUp, pace.allows, pace.recoverMs))) problems.push(`decisions did not come back within ${pace.recoverMs} ms of Postgres starting again`);
    facts.postgresRestart = tally(load.answers.filter((a) => a.sentAt >= pgDown && a.at <= pgUp));

    // The escalation, opened before every restart, approved now: the agent's wait resolves and its
    // call is allowed.
    const approved = await fetch(`${f.lb.url}/api/v1/escalations/${asked.escalationId}/approve`, {
      method: "POST",
      headers: { authorization: `Bearer ${f.seed.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "approved after the rolling restart", scope: "once" }),
    });
    if (approved.status !== 200) problems.push(`approving the escalation answered ${approved.status}: ${await approved.text()}`);
    const approvedAt = Date.now();
    const w = await Promise.race([waited, sleep(30_000).then(() => ({ status: "still waiting 30 s after the approval", at: 0 }))]);
    if (w.status !== "approved") problems.push(`the agent's wait for its escalation ended "${w.status}"`);
    else facts.waitResolvedMs = w.at - approvedAt;
    const again = await authorizeOnce(f.lb.url, f.seed.key, f.sessionId, WRITE);
    f.answers.push(again);
    load.answers.push(again);
    if (again.decision !== "allow") problems.push(`the approved call was answered ${again.status} ${again.decision}`);

    // The live feed: it reconnected after the instance it was on went away, and carries changes.
    const lastRestart = Date.now();
    if (!(await until(() => feed.changes.some((t) => t > lastRestart), 10_000))) problems.push("the live feed carried no change after the restarts");
    facts.feed = { connected: feed.readies, refused: feed.refusals, changes: feed.changes.length };
    if (feed.readies < 2) problems.push(`the live feed connected ${feed.readies} time(s): it did not reconnect after its instance stopped`);
  } finally {
    feed.close();
    // Each instance drains before it stops (WARDEN_DRAIN_SECONDS) and the balancer checks health:
    // no request may fail at the balancer (502).
    problems.push(...(await f.finish(load)));
  }
  facts.all = tally(load.answers);
  facts.balancerRetried = f.lb.retried;
  return { name: "rolling restart of each instance, then of Postgres, behind a balancer", problems, facts };
}

/** Waits until the primary at `url` has a replica streaming from it. */
async function streamingFrom(url: string): Promise<boolean> {
  return !!(await until(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query("select 1 from pg_stat_replication where state = 'streaming'")).rowCount;
    } finally {
      await c.end();
    }
  }, 20_000));
}

/**
 * Point 4, failover as an operator sets it up once: the instances reach Postgres through a name
 * that moves to the new primary (a TCP proxy standing in for a virtual IP, a DNS name or a
 * pooler). The primary stops, the replica is promoted and the name moves; no instance restarts,
 * and decisions come back by themselves (the 503 deny meanwhile), nothing answered lost. The
 * instances are moved onto the name first, one at a time, as a deploy would.
 */
export async function failoverBehindName(f: PostgresFleet, pace: Pace): Promise<Report> {
  const problems: string[] = [];
  const facts: Record<string, unknown> = {};
  const replica = await f.current.replica();
  f.clusters.push(replica);
  if (!(await streamingFrom(f.current.url))) problems.push("the replica is not streaming");
  const name = await startMovingName(f.current.port);
  f.names.push(name);
  for (const inst of f.instances) {
    inst.env = { ...inst.env, DATABASE_URL: name.url };
    await inst.stop();
    await inst.start();
  }
  const pids = f.instances.map((i) => i.proc?.pid);
  const load = f.load(pace).start();
  if (!(await load.allowsAfter(Date.now(), pace.allows, pace.recoverMs))) problems.push("no steady allows before the failover");
  const t0 = Date.now();
  f.current.stop("fast");
  replica.promote();
  name.moveTo(replica.port);
  f.current = replica;
  const moved = Date.now();
  facts.promotedMs = moved - t0;
  facts.connectionsCut = name.cut;
  const back = await until(() => load.answers.find((a) => a.sentAt >= moved && a.decision === "allow"), pace.recoverMs);
  if (!back) problems.push(`decisions did not come back through the moved name within ${pace.recoverMs} ms`);
  else facts.firstAllowAfterMoveMs = back.at - moved;
  if (!(await load.allowsAfter(Date.now(), pace.allows, pace.recoverMs))) problems.push("no steady allows after the failover");
  f.instances.forEach((i, n) => {
    if (!i.running || i.proc?.pid !== pids[n]) problems.push(`${i.name} restarted or stopped; it should have reconnected by itself`);
  });
  // Every answer is checked against the new primary; no instance restarted, so no 502 either.
  problems.push(...(await f.finish(load)));
  facts.all = tally(load.answers);
  facts.refusedDuringMove = load.answers.filter((a) => a.at > t0 && a.status === 503).length;
  return { name: "failover to a promoted replica through a name that moves, no restart", problems, facts };
}

/**
 * Point 4: fail Postgres over to a streaming replica under load. The primary stops (a
 * switchover: everything it committed has reached the replica), the replica is promoted, and each
 * instance in turn is restarted with DATABASE_URL naming the new primary (node-postgres has no
 * multi-host URLs or target_session_attrs). Every allow answered before, during and after is on
 * the new primary with its audit event.
 */
export async function failover(f: PostgresFleet, pace: Pace): Promise<Report> {
  const problems: string[] = [];
  const facts: Record<string, unknown> = {};
  const replica = await f.current.replica();
  f.clusters.push(replica);
  if (!(await streamingFrom(f.current.url))) problems.push("the replica is not streaming");
  const load = f.load(pace).start();
  if (!(await load.allowsAfter(Date.now(), pace.allows, pace.recoverMs))) problems.push("no steady allows before the failover");
  const old = f.current;
  const t0 = Date.now();
  old.stop("fast");
  replica.promote();
  f.current = replica;
  facts.promotedMs = Date.now() - t0;
  for (const inst of f.instances) {
    inst.env = { ...inst.env, DATABASE_URL: replica.url };
    const exit = await inst.stop();
    if (exit === "still running" || exit.code !== 0) problems.push(`${inst.name} did not stop cleanly on SIGTERM: ${JSON.stringify(exit)}`);
    await inst.start();
  }
  const switched = Date.now();
  facts.switchedMs = switched - t0;
  if (!(await load.allowsAfter(switched, pace.allows, pace.recoverMs))) problems.push(`decisions did not come back on the promoted replica within ${pace.recoverMs} ms`);
  // Every answer, the old primary's included, is checked against the new primary.
  problems.push(...(await f.finish(load, { badGateway: true })));
  facts.all = tally(load.answers);
  facts.beforeSwitch = load.answers.filter((a) => a.at < t0 && a.decision === "allow").length;
  return { name: "failover to a promoted streaming replica", problems, facts };
}

/**
 * Point 6b: one of two instances killed with SIGKILL while a batch is in flight. Decisions are
 * held at their commit (a person's transaction holds the session's row), so both instances have
 * a batch in flight; one is killed, then the row is let go. The killed instance's requests fail
 * at the client; the other's are answered, and it keeps answering; nothing the killed one
 * committed is half there.
 */
export async function sigkillMidBatch(f: PostgresFleet, pace: Pace): Promise<Report> {
  const problems: string[] = [];
  const facts: Record<string, unknown> = {};
  const [victim, other] = f.instances.filter((i) => i.running);
  const load = f.load(pace, () => f.instances.filter((i) => i.running).map((i) => i.base)).start();
  if (!(await load.allowsAfter(Date.now(), pace.allows, pace.recoverMs, victim.base))) problems.push(`${victim.name} answered no allows before the kill`);
  const holder = new pg.Client({ connectionString: f.current.url });
  await holder.connect();
  let killedAt = 0;
  try {
    await holder.query("begin");
    await holder.query("select 1 from sessions where id = $1 for update", [f.sessionId]);
    await sleep(500); // every agent now waits on a decision that is computed but not committed
    await victim.kill();
    killedAt = Date.now();
    await holder.query("commit");
  } finally {
    await holder.end();
  }
  if (!(await load.allowsAfter(killedAt, pace.allows, pace.recoverMs, other.base))) problems.push(`${other.name} did not keep answering after ${victim.name} was killed`);
  problems.push(...(await f.finish(load, { connectionFailures: true })));
  const failed = load.answers.filter((a) => a.status === 0);
  for (const a of failed) if (a.target !== victim.base) problems.push(`a request to ${other.name} failed: ${a.error}`);
  const inFlight = failed.filter((a) => a.target === victim.base && a.sentAt <= killedAt);
  if (inFlight.length === 0) problems.push("no request was in flight on the killed instance");
  facts.inFlightAtKill = tally(inFlight);
  facts.all = tally(load.answers);
  return { name: "an instance killed with SIGKILL mid-batch", problems, facts };
}

/**
 * Point 6d: the app process behind a front killed with SIGKILL under load. The front exits with
 * code 1 (lib/server/front.ts), promptly, so a supervisor restarts the pair, and it serves again.
 */
export async function appProcessDies(f: PostgresFleet, pace: Pace): Promise<Report> {
  const problems: string[] = [];
  const facts: Record<string, unknown> = {};
  const inst = f.instances.find((i) => i.running)!;
  const load = f.load(pace, () => [inst.base]).start();
  if (!(await load.allowsAfter(Date.now(), pace.allows, pace.recoverMs))) problems.push("no steady allows before the kill");
  process.kill(inst.appPid(), "SIGKILL");
  const t0 = Date.now();
  const exit = await Promise.race([inst.exited, sleep(15_000).then(() => "still running" as const)]);
  facts.frontExitMs = Date.now() - t0;
  if (exit === "still running" || exit.code !== 1) problems.push(`the front did not exit with code 1 within 15 s: ${JSON.stringify(exit)}`);
  if (!inst.logText().includes("[warden] the app process exited (SIGKILL); stopping")) problems.push("the front did not say why it stopped");
  problems.push(...(await f.finish(load, { connectionFailures: true })));
  facts.all = tally(load.answers);
  // The supervisor starts the pair again: it decides as before.
  await inst.start();
  const a = await authorizeOnce(inst.base, f.seed.key, f.sessionId, READ);
  f.answers.push(a);
  if (a.decision !== "allow") problems.push(`after the restart the front answered ${a.status} ${JSON.stringify(a.body)}`);
  return { name: "the app process dying behind the front", problems, facts };
}

// ---------------------------------------------------------------------------------------------
// The embedded database on a full disk.

/** Whether this process may mount a filesystem (root, or CAP_SYS_ADMIN): null when it can. */
export function cannotMount(): string | null {
  if (process.platform !== "linux") return "not Linux";
  const probe = fs.mkdtempSync("/tmp/warden-mount-probe-");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe], { stdio: "pipe" });
    execFileSync("umount", [probe], { stdio: "pipe" });
    return null;
  } catch (err) {
    return `cannot mount a small filesystem here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

const free = (dir: string) => {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
};

/**
 * Fills the filesystem of `dir` until about `leave` bytes are free (a file `dir/filler`); with
 * `leave` 0, to the last block. The server may be writing meanwhile.
 */
function fill(dir: string, leave: number) {
  const file = path.join(dir, "filler");
  fs.rmSync(file, { force: true });
  for (let size = free(dir) - leave; size > 0; size -= 256 * 1024) {
    try {
      execFileSync("fallocate", ["-l", String(size), file], { stdio: "pipe" });
      break;
    } catch {
      fs.rmSync(file, { force: true }); // it no longer fits: the server wrote meanwhile
    }
  }
  if (leave > 0) return;
  const fd = fs.openSync(file, "a");
  try {
    for (const chunk of [Buffer.alloc(64 * 1024), Buffer.alloc(512)]) {
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

// A WAL segment of the embedded database is 16 MB. PGlite has no checkpointer: the next segment
// is created when the current one is full, unless a checkpoint (at a clean stop) found the
// current one more than 3/4 full and created it ahead. Seeding leaves a little more than 4 MB in
// the current one, so none is created ahead and heavy decisions fill it within seconds.
const WAL_SEGMENT = 16 * 1024 * 1024;
const WAL_ROOM = 4_300_000;

/**
 * Point 6c: the embedded database (PGlite) in WARDEN_DATA_DIR on a small filesystem of its own (a
 * 128 MB tmpfs), under load, filled up.
 *
 * 1. Room for data but not for the next WAL segment: Postgres PANICs, and PGlite can go no
 *    further (before the fix its next statement spun at 100% CPU forever, every request hung).
 *    Warden answers what is in flight with the 503 deny and exits with code 1, saying why.
 * 2. Started again (as a supervisor does) with the disk still full: it refuses to start, saying so.
 * 3. Space freed: it starts, and everything it answered allow is there.
 * 4. No room for data (the WAL has room): each decision that needs a new page is the 503 deny,
 *    logged once; freed again, it decides again by itself, no restart.
 */
export async function embeddedDiskFull(pace: Pace): Promise<Report> {
  const problems: string[] = [];
  const facts: Record<string, unknown> = {};
  const work = workDir("disk-full");
  const mnt = path.join(work.dir, "mnt");
  fs.mkdirSync(mnt);
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=128m", "tmpfs", mnt]);
  const unmount = () => {
    try {
      execFileSync("umount", ["-l", mnt], { stdio: "pipe" });
    } catch {}
  };
  process.once("exit", unmount);
  const database = { kind: "pglite" as const, dataDir: path.join(mnt, "pg") };
  const inst = new Instance("embedded", await freePort(), { DATABASE_URL: "", WARDEN_DATA_DIR: mnt, WARDEN_AUDIT_KEY: auditKey("warden embedded fault test") }, path.join(work.dir, "embedded.log"));
  const answers: Answer[] = [];
  let sessionId = "";
  const t0 = Date.now();
  const steps: Record<string, number> = {};
  facts.steps = steps;
  const step = (name: string) => (steps[name] = Date.now() - t0);
  try {
    const s = await seed(database, async (db) => {
      const lsn = Number(rows<{ b: string }>(await db.execute(sql`select (pg_current_wal_insert_lsn() - '0/0')::bigint::text as b`))[0].b);
      const room = WAL_SEGMENT - (lsn % WAL_SEGMENT);
      if (room > WAL_ROOM) await db.execute(sql`select pg_logical_emit_message(false, 'warden-fault-test', repeat('x', ${room - WAL_ROOM}))`);
    });
    step("seeded");
    if (await inst.start()) throw new Error(`the embedded server did not start:\n${inst.tail()}`);
    step("started");
    sessionId = (await new Warden({ baseUrl: inst.base, token: s.key }).openSession({ goal: "fill the disk", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 3600 })).id;
    const load = (action?: object) => new Load({ targets: () => [inst.base], key: s.key, sessionId, concurrency: pace.concurrency, pauseMs: pace.pauseMs, action }).start();

    // 1. The next WAL segment cannot be created: the process exits 1. (Few allows first: the
    //    WAL has room for a few hundred heavy decisions only.)
    let l = load(heavyRead());
    if (!(await l.allowsAfter(Date.now(), Math.min(pace.allows, 100), pace.recoverMs))) problems.push("no steady allows before the disk filled");
    fill(mnt, 8 * 1024 * 1024);
    step("filled, 8 MB left");
    const filled = Date.now();
    const exit = await Promise.race([inst.exited, sleep(60_000).then(() => "still running" as const)]);
    facts.exitAfterMs = Date.now() - filled;
    answers.push(...(await l.stop()));
    facts.walFull = tally(l.answers.filter((a) => a.sentAt >= filled));
    if (exit === "still running") {
      problems.push(`still running 60 s after the disk filled: ${inst.running ? "hung" : ""}`);
      await inst.kill();
    } else if (exit.code !== 1) problems.push(`exited ${JSON.stringify(exit)} when its WAL could not grow, not with code 1`);
    if (!/\[warden\] the embedded database cannot continue \(PANIC .*No space left on device.*exiting with code 1/.test(inst.logText()))
      problems.push(`the log does not say why it stopped:\n${inst.tail(15)}`);

    step("exited");
    // 2. Started again on the full disk: it refuses, saying why.
    const refused = await inst.start(60_000);
    step("refused to start");
    if (!refused) problems.push("it started on a disk with no room for its WAL");
    else if (refused.code === 0 || refused.code === null) problems.push(`on a full disk it ended with ${JSON.stringify(refused)}, not an error code`);
    if (!/No space left|free space/i.test(inst.logText().split("===== ").pop() ?? "")) problems.push(`the failed start does not say the disk is full:\n${inst.tail(15)}`);
    if (refused === undefined) await inst.kill();

    // 3. Room again: it starts, and recovers what it had committed.
    fs.rmSync(path.join(mnt, "filler"));
    const up = await inst.start();
    if (up) throw new Error(`it did not start once space was freed: ${JSON.stringify(up)}\n${inst.tail()}`);
    step("started on freed space");

    // 4. No room for data pages (the new WAL segment has room): 503 denies, then back by itself.
    l = load();
    if (!(await l.allowsAfter(Date.now(), pace.allows, pace.recoverMs))) problems.push("no allows after the restart");
    const logFrom = inst.logSize();
    fill(mnt, 0);
    step("filled to the last block");
    const full = Date.now();
    if (!(await until(() => l.answers.filter((a) => a.sentAt >= full && isDocumentedDeny(a)).length >= 5, pace.recoverMs))) problems.push("no 503 deny while the disk was full");
    await sleep(pace.outageMs);
    fs.rmSync(path.join(mnt, "filler"));
    step("freed");
    const freed = Date.now();
    if (!(await l.allowsAfter(freed + 1_000, pace.allows, pace.recoverMs))) problems.push(`decisions did not come back within ${pace.recoverMs} ms of space being freed`);
    answers.push(...(await l.stop()));
    facts.dataFull = tally(l.answers.filter((a) => a.sentAt >= full && a.at <= freed));
    for (const a of l.answers) if (a.status === 0) problems.push(`a request failed while the disk was full (${a.error}): it should have been answered`);
    if (!inst.running) problems.push(`the process ended when its data files could not grow:\n${inst.tail(15)}`);
    await until(() => outageLines(inst.logText(logFrom)).back > 0, 10_000);
    const lines = outageLines(inst.logText(logFrom));
    facts.log = lines;
    if (lines.unreachable < 1) problems.push("the log does not say the database refused writes");
    if (lines.back !== lines.unreachable) problems.push(`the log said "unreachable" ${lines.unreachable} times and "reachable again" ${lines.back} times`);
    if (lines.unreachable > 3) problems.push(`the log said "database unreachable" ${lines.unreachable} times in one full-disk spell`);
    step("recovered");
    const stopped = await inst.stop();
    if (stopped === "still running" || stopped.code !== 0) problems.push(`SIGTERM did not stop it cleanly: ${JSON.stringify(stopped)}`);
    facts.all = tally(answers);
    // Phase 1's process died under its clients, so connection failures are expected there.
    fs.rmSync(path.join(mnt, "filler"), { force: true }); // whatever happened above: room to open it
    problems.push(...(await problemsWith(answers, database, [sessionId], { connectionFailures: true })));
  } finally {
    inst.destroy();
    await sleep(200);
    unmount();
    process.removeListener("exit", unmount);
    work.cleanup();
  }
  return { name: "disk full under the embedded database", problems, facts };
}
