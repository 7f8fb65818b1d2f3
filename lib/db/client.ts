import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PGlite } from "@electric-sql/pglite";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; query functions accept `Db | Tx` so callers choose. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Executor = Db | Tx;

export type DatabaseHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  close: () => Promise<void>;
  /**
   * Resolves when this process can use the database no more at all and only a restart helps:
   * the embedded one after a PANIC (see guardAgainstPanic). Never resolves on Postgres, whose
   * server restarts by itself.
   */
  broken?: Promise<Error>;
};

export type OpenOptions =
  | { kind: "postgres"; url: string; poolSize?: number; connectTimeoutMs?: number }
  | { kind: "pglite"; dataDir: string | null }; // null = in-memory (tests)

/**
 * How long opening one connection may take (WARDEN_DB_CONNECT_TIMEOUT_MS, default 10 s). A
 * stopped server refuses at once; one cut off by the network, or not answering, would otherwise
 * hold every request that needs a new connection until the OS gives up (minutes), instead of
 * answering 503 (lib/db/faults.ts). Waiting for a pooled connection is not timed: under load that
 * is queueing, not an outage.
 */
function connectTimeoutMs(opts: { connectTimeoutMs?: number }): number {
  return opts.connectTimeoutMs ?? (Number(process.env.WARDEN_DB_CONNECT_TIMEOUT_MS) || 10_000);
}

const MIGRATIONS_LOCK = 0x5741_5244; // "WARD": serialises migrations across app instances

function migrationsFolder() {
  return process.env.WARDEN_MIGRATIONS_DIR ?? path.join(process.cwd(), "drizzle");
}

/** Where the embedded database lives when DATABASE_URL is unset. */
export function defaultOpenOptions(): OpenOptions {
  const url = process.env.DATABASE_URL;
  if (url) return { kind: "postgres", url, poolSize: Number(process.env.WARDEN_DB_POOL_SIZE ?? 10) };
  const dir = process.env.WARDEN_DATA_DIR ?? ".data";
  return { kind: "pglite", dataDir: dir === ":memory:" ? null : path.resolve(dir, "pg") };
}

export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  if (opts.kind === "postgres") {
    const { Client, Pool } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    // Idle connections are kept for minutes, not pg's default 10 s: under a steady decision rate
    // the pool's use rises and falls, and each reopened connection (a new backend, its caches
    // cold) would put a few milliseconds on some decision's answer.
    const connectionTimeoutMillis = connectTimeoutMs(opts);
    // The timeout on the client class, not the pool's option, which would also time the wait for
    // a free connection.
    class TimedClient extends Client {
      constructor(config?: ConstructorParameters<typeof Client>[0]) {
        super({ ...(typeof config === "object" ? config : { connectionString: config }), connectionTimeoutMillis });
        // A connection in use (a transaction between two statements) that loses its server
        // emits "error" while the pool listens only to idle ones: unheard, that is an
        // uncaughtException (seen on every Postgres restart). Whoever holds the connection
        // learns of it from its next statement; an idle one is reported by the pool below.
        this.on("error", () => {});
      }
    }
    const pool = new Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, idleTimeoutMillis: 300_000, Client: TimedClient });
    // An idle client error (server restart) must not crash the process; the pool reconnects.
    pool.on("error", (err) => console.error("[warden] postgres pool error:", err.message));
    const db = drizzle(pool, { schema }) as unknown as Db;
    // The lock is held on a connection of its own, outside the pool: the migrations need pool
    // connections, and a pool of one would otherwise wait for itself forever.
    const lock = new Client({ connectionString: opts.url, connectionTimeoutMillis });
    await lock.connect();
    try {
      await lock.query("SELECT pg_advisory_lock($1)", [MIGRATIONS_LOCK]);
      await migrate(drizzle(pool, { schema }), { migrationsFolder: migrationsFolder() });
    } finally {
      await lock.query("SELECT pg_advisory_unlock($1)", [MIGRATIONS_LOCK]).catch(() => {});
      await lock.end().catch(() => {});
    }
    return { db, kind: "postgres", close: () => pool.end() };
  }

  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  let releaseLock = () => {};
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    releaseLock = lockDataDir(opts.dataDir);
  }
  let client: PGlite;
  try {
    client = await PGlite.create(opts.dataDir ?? "memory://", { extensions: { pg_trgm } });
  } catch (err) {
    releaseLock();
    throw withDiskSpace(err, opts.dataDir);
  }
  const guard = guardAgainstPanic(client);
  const pdb = drizzle(client, { schema });
  await migrate(pdb, { migrationsFolder: migrationsFolder() });
  return {
    db: pdb as unknown as Db,
    kind: "pglite",
    close: async () => {
      if (!guard.isBroken()) await client.close(); // a broken one would spin (see below)
      releaseLock();
    },
    broken: guard.broken,
  };
}

/**
 * After a PANIC (Postgres could not write its WAL: a full disk) or a FATAL, the embedded
 * Postgres inside PGlite cannot run another statement: in PGlite 0.5 the next one spins at 100%
 * CPU forever, inside WebAssembly, so the whole process stops answering (every request hangs,
 * health checks too, and nothing restarts it). Where a Postgres server would restart itself and
 * recover, PGlite needs a new process. So the first PANIC marks the instance broken: the
 * statement that hit it fails as it did (a 53100 disk-full error is an outage: 503), every later
 * one fails at once with 57P03 without entering PGlite, and `broken` resolves so the server can
 * exit for its supervisor to start it again (lib/server/lifecycle.ts). Started again, PGlite
 * recovers everything committed before the PANIC from its WAL.
 *
 * Statements reach PGlite through execProtocolStream (queries, transactions, LISTEN) or
 * execProtocol, both awaited inside PGlite's query lock, so a PANIC is seen before the next
 * queued statement runs; execProtocolRawSync is what both end in.
 */
function guardAgainstPanic(client: PGlite): { broken: Promise<Error>; isBroken: () => boolean } {
  let fatal: Error | null = null;
  let report: (err: Error) => void = () => {};
  const broken = new Promise<Error>((resolve) => (report = resolve));
  const noticed = (err: unknown) => {
    const e = err as { severity?: unknown; code?: unknown; message?: unknown };
    if (fatal || (e?.severity !== "PANIC" && e?.severity !== "FATAL")) return;
    fatal = Object.assign(new Error(`${e.severity} ${String(e.code ?? "")} ${String(e.message ?? "")}`.replace(/\s+/g, " ").trim()), { code: "57P03" });
    report(fatal);
  };
  const stream = client.execProtocolStream.bind(client);
  client.execProtocolStream = async (...args: Parameters<PGlite["execProtocolStream"]>) => {
    if (fatal) throw fatal;
    return stream(...args).catch((err: unknown) => {
      noticed(err);
      throw err;
    });
  };
  const protocol = client.execProtocol.bind(client);
  client.execProtocol = async (...args: Parameters<PGlite["execProtocol"]>) => {
    if (fatal) throw fatal;
    return protocol(...args).catch((err: unknown) => {
      noticed(err);
      throw err;
    });
  };
  const raw = client.execProtocolRawSync.bind(client);
  client.execProtocolRawSync = (...args: Parameters<PGlite["execProtocolRawSync"]>) => {
    if (fatal) throw fatal;
    return raw(...args);
  };
  return { broken, isBroken: () => fatal !== null };
}

/** PGlite says only "failed to initialize properly" when its folder's disk is full: say so. */
function withDiskSpace(err: unknown, dir: string | null): unknown {
  if (!dir) return err;
  try {
    const s = fs.statfsSync(dir);
    const free = s.bavail * s.bsize;
    if (free >= 32 * 2 ** 20) return err;
    const message = `${(err as Error)?.message ?? String(err)}: only ${(free / 2 ** 20).toFixed(1)} MB free in ${dir}; the embedded database needs room for its write-ahead log (16 MB at a time). Free space there and start again`;
    return new Error(message, { cause: err });
  } catch {
    return err;
  }
}

/**
 * PGlite is single-process: two processes on one data folder silently lose data. Refuse to
 * open a folder another live process holds.
 */
function lockDataDir(dir: string): () => void {
  const file = path.join(dir, "..", "warden.pid");
  try {
    const other = Number(fs.readFileSync(file, "utf8"));
    if (other && other !== process.pid && isAlive(other)) {
      throw new Error(
        `The embedded database in ${path.dirname(file)} is in use by process ${other}. ` +
          `Stop it first, or point WARDEN_DATA_DIR at another folder.`,
      );
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.writeFileSync(file, String(process.pid));
  const release = () => {
    try {
      if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
    } catch {}
  };
  process.once("exit", release);
  return release;
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Rows of a raw `db.execute(sql...)`, the same for both drivers. */
export function rows<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export async function ping(db: Db): Promise<boolean> {
  const r = rows<{ ok: number }>(await db.execute(sql`select 1 as ok`));
  return r[0]?.ok === 1;
}
