// Whether an error means "the database cannot be reached or cannot take work now" rather than
// "this code or this query is wrong". The first is an outage: requests are answered 503 with
// Retry-After and the log says so once (lib/db/availability.ts); the second is a bug, logged
// with its stack. Pure: it reads the shapes pg, pg-pool, Node's sockets, drizzle and PGlite give.

// SQLSTATE classes and codes that say the server is gone, going, not yet there, or out of room.
// 08: connection exception. 53: insufficient resources (disk full, out of memory, too many
// connections). 57P01-57P05: admin / crash shutdown, cannot connect now (starting up, shutting
// down, in recovery), database dropped, idle-session timeout. 25006: a read-only transaction,
// i.e. the primary became a standby (failover). 58030: an I/O error on the server.
const SQLSTATE = /^(08...|53...|57P0[1-5]|25006|58030)$/;

// Node socket errors on the way to the server.
const SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EHOSTUNREACH", "EHOSTDOWN", "ENETUNREACH", "ENETDOWN", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "ENOTCONN"]);

// Messages pg and pg-pool throw without a code ("timeout expired": a connect that took longer
// than the client's connectionTimeoutMillis, lib/db/client.ts), and PGlite's once closed.
const MESSAGE = /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout expired|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Cannot use a pool after calling end on the pool|Client was closed and is not queryable|PGlite is closed)$/;

/** Every error an error stands for: itself, its causes (drizzle wraps the driver's), an AggregateError's parts. */
function* causes(err: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (!err || typeof err !== "object" || depth > 8) return;
  yield err as Record<string, unknown>;
  const e = err as { cause?: unknown; errors?: unknown };
  if (Array.isArray(e.errors)) for (const x of e.errors) yield* causes(x, depth + 1);
  if (e.cause !== undefined && e.cause !== err) yield* causes(e.cause, depth + 1);
}

function isFault(e: Record<string, unknown>): boolean {
  const code = typeof e.code === "string" ? e.code : "";
  if (SQLSTATE.test(code) || SOCKET.has(code)) return true;
  // A Unix socket path that is not there is a server that is not there.
  if (code === "ENOENT" && e.syscall === "connect") return true;
  return typeof e.message === "string" && MESSAGE.test(e.message);
}

/** True when `err` (or what it wraps) says the database is unreachable or cannot take work now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of causes(err)) if (isFault(e)) return true;
  return false;
}

/** One line saying what the fault was ("connect ECONNREFUSED 127.0.0.1:5432", "57P01 terminating …"), no stack. */
export function describeDatabaseFault(err: unknown): string {
  for (const e of causes(err)) {
    if (!isFault(e)) continue;
    const code = typeof e.code === "string" ? e.code : "";
    const message = String(e.message ?? "").split("\n")[0].slice(0, 200);
    return code && !message.includes(code) ? `${code} ${message}` : message || code;
  }
  return String((err as Error)?.message ?? err).split("\n")[0].slice(0, 200);
}

/**
 * The catch of a background job's pass: a database outage goes to `onOutage` (the runtime's
 * availability tracker, which says it once), anything else is logged as the job's failure.
 */
export function backgroundFailure(job: string, onOutage?: (err: unknown) => void): (err: unknown) => void {
  return (err) => {
    if (onOutage && isDatabaseUnavailable(err)) onOutage(err);
    else console.error(`[warden] ${job} failed:`, (err as Error).message);
  };
}
