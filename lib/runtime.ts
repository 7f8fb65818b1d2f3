import { GroupWriter } from "@/lib/audit/group-writer";
import { systemClock, type Clock } from "@/lib/clock";
import { DatabaseAvailability } from "@/lib/db/availability";
import { defaultOpenOptions, openDatabase, ping, type DatabaseHandle, type Db } from "@/lib/db/client";
import { ChangeFeed } from "@/lib/realtime/hub";
import type { DecisionDeps } from "@/lib/services/decisions/authorize";
import { FactCache } from "@/lib/services/decisions/facts";
import { AgentAuthCache } from "@/lib/services/machine/authenticate";
import { PolicySet } from "@/lib/services/policies/active-engine";

/**
 * Everything a Warden process holds beyond a request: the database, the decision path's group
 * writer, policy set and cached facts, the change feed, the clock, and the background work it
 * runs. Created once at start (or by a test, on its own database and clock) and handed to
 * whatever needs a part of it; services below take only the parts they use.
 */
export class Runtime {
  readonly db: Db;
  readonly writer: GroupWriter;
  readonly policies: PolicySet;
  readonly facts: FactCache;
  readonly agentAuth: AgentAuthCache;
  readonly feed: ChangeFeed;
  /** Whether the database answers, as refused requests tell it: the log says an outage once. */
  readonly availability: DatabaseAvailability;
  private background: (() => void)[] = [];
  private memos = new Map<string, Promise<unknown>>();

  constructor(
    readonly handle: DatabaseHandle,
    readonly clock: Clock = systemClock,
  ) {
    this.db = handle.db;
    this.writer = new GroupWriter(handle.db, { clock });
    this.policies = new PolicySet(handle.db, clock);
    this.facts = new FactCache(handle.db, clock);
    this.agentAuth = new AgentAuthCache(handle.db, clock);
    this.feed = new ChangeFeed(handle);
    // Real time, not the runtime clock: the log reports how long an outage really lasted.
    this.availability = new DatabaseAvailability(() => ping(handle.db));
  }

  /** Background work (sweeper, webhook dispatcher, demo traffic), stopped by close(). */
  runInBackground(stop: () => void) {
    this.background.push(stop);
  }

  /** A value computed once per runtime (e.g. the audit log's signing configuration); a failure is retried. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.memos.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute().catch((err) => {
        this.memos.delete(key);
        throw err;
      });
      this.memos.set(key, p);
    }
    return p;
  }

  /** Stops background work and waits until every submitted decision is committed. */
  async quiesce(): Promise<void> {
    for (const stop of this.background.splice(0)) stop();
    this.availability.stop();
    this.policies.stop();
    await this.writer.drain();
  }

  async close(): Promise<void> {
    await this.quiesce();
    await this.feed.close();
    await this.handle.close();
  }
}

type Slot = { runtime?: Promise<Runtime>; current?: Runtime; startup?: Promise<void> };
// The process's runtime is the one value kept on globalThis: Next loads lib/ more than once
// (each route bundle, the instrumentation hook, server.ts's decision listener), and every copy
// must find the same database, writer and caches. Two PGlite instances on one folder would
// corrupt it, and an intent change served by Next must drop the entry the listener reads.
const slot: Slot = ((globalThis as { __warden?: Slot }).__warden ??= {});

/**
 * The process's runtime, opening the configured database (and migrating it) on first use.
 * Returned without a promise once open: the decision path skips an await with it.
 */
export function getRuntime(): Runtime | Promise<Runtime> {
  if (slot.current) return slot.current;
  slot.runtime ??= openDatabase(defaultOpenOptions()).then(
    (h) => (slot.current = new Runtime(h)),
    (err) => {
      slot.runtime = undefined;
      throw err;
    },
  );
  return slot.runtime;
}

/** The process's runtime if it is open, without opening it (error handlers reporting an outage). */
export function currentRuntime(): Runtime | undefined {
  return slot.current;
}

export async function getDb(): Promise<Db> {
  return (await getRuntime()).db;
}

export async function getHandle(): Promise<DatabaseHandle> {
  return (await getRuntime()).handle;
}

/** The runtime's parts a decision uses, with the policy set current now (see authorize.ts). */
export async function decisionDeps(rt: Runtime | Promise<Runtime> = getRuntime()): Promise<DecisionDeps> {
  const r = await rt;
  return { db: r.db, writer: r.writer, facts: r.facts, engine: await r.policies.current() };
}

/** Makes `rt` the process's runtime: tests and scripts, on a database they opened themselves. */
export function setRuntime(rt: Runtime | undefined) {
  slot.current = rt;
  slot.runtime = rt ? Promise.resolve(rt) : undefined;
}

/** Runs `start` once per process, however many module copies ask (see the slot above). */
export function oncePerProcess(start: () => Promise<void>): Promise<void> {
  slot.startup ??= start();
  return slot.startup;
}
