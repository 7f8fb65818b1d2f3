import { randomFillSync } from "node:crypto";
import type { Db } from "./client";
import { systemClock, type Clock } from "@/lib/clock";

/**
 * One parameterised statement ($1, $2, ...). `name`: on a held connection, prepare it once per
 * connection under this name and send only its parameters after that.
 */
export type Statement = { text: string; params?: (string | null)[]; name?: string };
/**
 * Runs statements in order inside the open transaction and returns each one's rows. With
 * `commit`, the transaction commits right after them, in the same round trip where the driver
 * allows it.
 */
export type RunStatements = (statements: Statement[], opts?: { commit?: boolean }) => Promise<Record<string, unknown>[][]>;

type PgResult = { rows: Record<string, unknown>[] };
type PgClient = {
  query(text: string, params?: unknown[]): Promise<PgResult | PgResult[]>;
  query(config: { name: string; text: string; values: unknown[] }): Promise<PgResult>;
  release(err?: Error | boolean): void;
  on(event: "error", fn: (err: Error) => void): void;
  once(event: "end", fn: () => void): void;
  removeListener(event: "error" | "end", fn: (err: Error) => void): void;
};
type PgPool = { connect(): Promise<PgClient>; waitingCount?: number };
type PGliteLike = { transaction<T>(fn: (tx: { query(text: string, params?: unknown[]): Promise<PgResult> }) => Promise<T>): Promise<T> };

/**
 * A transaction of hand-written SQL on the driver under a drizzle handle, for the decision hot
 * path only. Building a 500-row insert through the query builder costs more CPU than storing
 * it, and every round trip is time the batch holds its locks while this process's event loop
 * is busy with requests, so on Postgres the statements of one call travel together as one
 * simple-protocol query (BEGIN with the first call, COMMIT with the last). Parameters are then
 * inlined as dollar-quoted literals under a random tag the value does not contain: the value
 * cannot end the literal, so it cannot become SQL. PGlite is in-process: statements go one by
 * one, with real parameters, inside its own transaction.
 */
export async function batchTransaction<T>(db: Db, fn: (run: RunStatements) => Promise<T>): Promise<T> {
  const client = (db as unknown as { $client: PgPool | PGliteLike }).$client;
  if (!("connect" in client)) {
    return client.transaction((tx) =>
      fn(async (statements, opts) => {
        void opts; // PGlite commits when fn returns
        const out: Record<string, unknown>[][] = [];
        for (const s of statements) out.push((await tx.query(s.text, s.params)).rows);
        return out;
      }),
    );
  }
  const c = await client.connect();
  let begun = false;
  let committed = false;
  const run: RunStatements = async (statements, opts = {}) => {
    const parts = statements.map(inline);
    if (!begun) parts.unshift("BEGIN");
    if (opts.commit) parts.push("COMMIT");
    const wasBegun = begun;
    begun = true;
    const res = await c.query(parts.join(";\n"));
    if (opts.commit) committed = true;
    const results = Array.isArray(res) ? res : [res];
    return results.slice(wasBegun ? 0 : 1, (wasBegun ? 0 : 1) + statements.length).map((r) => r.rows);
  };
  try {
    const out = await fn(run);
    if (!committed) await c.query("COMMIT");
    c.release();
    return out;
  } catch (err) {
    // A connection whose rollback failed is in an unknown state: destroy it, never reuse it.
    const rolledBack = await c.query("ROLLBACK").then(() => true, () => false);
    c.release(rolledBack ? undefined : true);
    throw err;
  }
}

/**
 * One pool connection held while work keeps coming, for statements that should reach Postgres
 * in the order they were issued: the driver queues a connection's queries and sends the next
 * the moment the previous one's answer is complete, so a statement issued while another is
 * running is already waiting when Postgres is ready for it. (Order is for speed only: the
 * group writer's statements check their own preconditions.) Each statement runs on its own
 * (autocommit): a failed one rolls itself back and leaves the connection clean for the next.
 * The connection goes back to the pool after a second without statements: taking it from the
 * pool and giving it back for every batch cost more CPU than the batch's own round trip. Null
 * on PGlite.
 */
export class HeldConnection {
  private client: PgClient | null = null;
  private pending: Promise<PgClient> | null = null;
  private waiting: { statement: Statement; resolve: (rows: Record<string, unknown>[]) => void; reject: (err: unknown) => void }[] = [];
  private active = false;
  private lastUsed = 0;
  private idleCheck: ReturnType<typeof setInterval> | null = null;

  static of(db: Db, clock: Clock = systemClock): HeldConnection | null {
    const client = (db as unknown as { $client: PgPool | PGliteLike }).$client;
    return "connect" in client ? new HeldConnection(client, clock) : null;
  }

  private constructor(
    private pool: PgPool,
    private clock: Clock,
  ) {}

  /**
   * Runs one statement and returns its rows. A named statement is prepared once per connection
   * and then sent as its parameters alone (extended protocol, still one round trip): Postgres
   * neither scans a batch's worth of inlined text nor plans the call again, and this process
   * builds no such text. Others go as simple-protocol text with their parameters inlined.
   */
  run(statement: Statement): Promise<Record<string, unknown>[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ statement, resolve, reject });
      this.lastUsed = this.clock.now();
      if (!this.active) void this.next();
    });
  }

  // One statement at a time; the next goes out the moment the previous one's answer is in,
  // before that answer is handed back.
  private async next(): Promise<void> {
    const job = this.waiting.shift();
    this.active = job !== undefined;
    if (!job) return;
    let c: PgClient | null = null;
    try {
      c = this.client ?? (await (this.pending ??= this.acquire()));
      const s = job.statement;
      const res = s.name && s.params ? await c.query({ name: s.name, text: s.text, values: s.params }) : await c.query(inline(s));
      void this.next();
      job.resolve((Array.isArray(res) ? res[res.length - 1] : res).rows);
    } catch (err) {
      // A statement's own error leaves the connection clean (it rolled itself back). Anything
      // else (a lost connection, a FATAL from a terminated backend) drops it: what is still
      // waiting goes out on a new one.
      if (c && !statementError(err)) this.forget(c, err as Error);
      void this.next();
      job.reject(err);
    } finally {
      this.lastUsed = this.clock.now();
    }
  }

  private async acquire(): Promise<PgClient> {
    try {
      const c = await this.pool.connect();
      c.on("error", onHeldError);
      c.once("end", this.onEnd);
      this.client = c;
      this.lastUsed = this.clock.now();
      // Unref'd: an idle writer must not keep the process alive.
      this.idleCheck ??= setInterval(() => this.releaseIfIdle(), HELD_IDLE_MS / 2).unref();
      return c;
    } finally {
      this.pending = null;
    }
  }

  // One listener object, removed again when the connection goes back to the pool (the pool
  // hands the same client out again and again; listeners must not pile up on it).
  private onEnd = () => {
    if (this.client) this.forget(this.client, new Error("connection ended"));
  };

  private forget(c: PgClient, err: Error) {
    if (this.client !== c) return;
    this.client = null;
    this.drop(c, err);
  }

  /**
   * Back to the pool now if nothing is running on it: for a caller about to take another pool
   * connection, which on a small pool could otherwise wait for this one.
   */
  yieldIfIdle() {
    this.releaseIfIdle(true);
  }

  // Idle for a second, or someone waits for a pool connection (a pool of one or two).
  private releaseIfIdle(now = false) {
    if (this.active) return;
    if (!now && this.clock.now() - this.lastUsed < HELD_IDLE_MS && !this.pool.waitingCount) return;
    if (this.idleCheck) clearInterval(this.idleCheck);
    this.idleCheck = null;
    const c = this.client;
    this.client = null;
    if (c) this.drop(c);
  }

  private drop(c: PgClient, err?: Error) {
    c.removeListener("error", onHeldError);
    c.removeListener("end", this.onEnd);
    c.release(err);
  }
}

const HELD_IDLE_MS = 1000;

function statementError(err: unknown): boolean {
  const severity = (err as { severity?: unknown })?.severity;
  return err instanceof Error && typeof severity === "string" && severity !== "FATAL" && severity !== "PANIC";
}

// Errors of a held connection surface in the statement that was running on it.
function onHeldError(err: Error) {
  console.error("[warden] held postgres connection error:", err.message);
}

/** `$n` placeholders replaced by dollar-quoted literals (the casts in the text still apply). */
export function inline(s: Statement): string {
  if (!s.params?.length) return s.text;
  return s.text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = s.params![Number(n) - 1];
    if (value === undefined) throw new Error(`statement has no parameter $${n}`);
    return value === null ? "NULL" : dollarQuote(value);
  });
}

// Tags come from a pool of random bytes refilled 4 KiB at a time: one call into the crypto
// module per ~680 tags instead of one per parameter (the call is wrapped, and costly, in Next).
const pool = Buffer.alloc(4096);
let used = pool.length;
function randomTag(): string {
  if (used + 6 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 6;
  return pool.toString("hex", used - 6, used);
}

export function dollarQuote(value: string): string {
  for (;;) {
    const tag = `$w${randomTag()}$`;
    if (!value.includes(tag)) return `${tag}${value}${tag}`;
  }
}
