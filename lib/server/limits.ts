import fs from "node:fs";

/**
 * What a listener accepts from its clients before it stops waiting for them (README, "Limits").
 * Every listener Warden opens takes these (lib/server/bounded-server.ts): the front, the app
 * process behind it and the single process. Read once at start from the environment; a value
 * that is not a positive number stops the start with a message naming the variable.
 */
export type Limits = {
  /** From the connection (or the end of the previous request on it) to the last header line. */
  headersTimeoutMs: number;
  /** From the first byte of a request to its last one, body included; never the answer. */
  requestTimeoutMs: number;
  /** Longest pause inside a request body: a body that stops arriving is cut at this. */
  bodyIdleTimeoutMs: number;
  /** How long an idle kept-alive connection stays open for its next request. */
  keepAliveTimeoutMs: number;
  /** Open connections per listener; the next one is answered 503 `overloaded` and closed. */
  maxConnections: number;
  /** The front: how long it waits for the app process to start answering a request it passed on. */
  appTimeoutMs: number;
};

export const DEFAULT_LIMITS: Limits = {
  // A client sends its headers in one packet: 10 s covers the slowest real network and is a
  // sixth of Node's default (60 s, checked only every 30 s: up to 90 s in practice).
  headersTimeoutMs: 10_000,
  // Bodies are small (64 KiB for a decision, a few MB at most for an import): 30 s is ample
  // even on a slow link, and a tenth of Node's default (300 s).
  requestTimeoutMs: 30_000,
  bodyIdleTimeoutMs: 10_000,
  // Longer than common load balancers' idle timeouts (60 s), so they close first: a balancer
  // that sends on a connection this side has just closed sees a failed request.
  keepAliveTimeoutMs: 65_000,
  // Far above what a busy fleet holds (the decision benchmark saturates two cores with 50), and
  // well inside the descriptors a process gets (the front needs about two per connection).
  maxConnections: 1000,
  // Longer than the request timeout, so a slow upload is cut as a 408 by the front first; a
  // report export (the slowest answer, ~1–2 s at a million decisions) fits many times over.
  appTimeoutMs: 60_000,
};

export const LIMIT_VARIABLES: Record<keyof Limits, string> = {
  headersTimeoutMs: "WARDEN_HEADERS_TIMEOUT_SECONDS",
  requestTimeoutMs: "WARDEN_REQUEST_TIMEOUT_SECONDS",
  bodyIdleTimeoutMs: "WARDEN_BODY_IDLE_TIMEOUT_SECONDS",
  keepAliveTimeoutMs: "WARDEN_KEEP_ALIVE_SECONDS",
  maxConnections: "WARDEN_MAX_CONNECTIONS",
  appTimeoutMs: "WARDEN_APP_TIMEOUT_SECONDS",
};

/** The limits from WARDEN_* variables (seconds, fractions allowed; a count for connections). */
export function limitsFromEnv(env: Record<string, string | undefined> = process.env): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_VARIABLES) as (keyof Limits)[]) {
    const name = LIMIT_VARIABLES[key];
    const raw = env[name]?.trim();
    if (!raw) continue;
    const n = Number(raw);
    if (key === "maxConnections") {
      if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of connections, at least 1 (got "${raw}")`);
      limits[key] = n;
    } else {
      // 0 would mean "no limit" to Node: exactly what these variables exist to rule out.
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number of seconds above 0 (got "${raw}")`);
      limits[key] = Math.max(1, Math.round(n * 1000));
    }
  }
  // Node refuses a headers timeout longer than the request timeout; say which variables.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(`${LIMIT_VARIABLES.headersTimeoutMs} (${limits.headersTimeoutMs / 1000}) must not exceed ${LIMIT_VARIABLES.requestTimeoutMs} (${limits.requestTimeoutMs / 1000})`);
  }
  return limits;
}

/**
 * Warns once at start when the process may run out of file descriptors before it reaches its
 * connection cap: an accept that fails for want of one stops the server, where the cap would
 * have answered 503. Node raises the soft limit to the hard one at start; this reads what it got
 * (Linux; elsewhere it says nothing).
 */
export function warnIfDescriptorsShort(maxConnections: number, perConnection: number, limitsFile = "/proc/self/limits") {
  let text: string;
  try {
    text = fs.readFileSync(limitsFile, "utf8");
  } catch {
    return;
  }
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (!m || m[1] === "unlimited") return;
  const available = Number(m[1]);
  const needed = maxConnections * perConnection + 256; // the database pool, the log, the build's files
  if (needed > available) {
    console.warn(
      `[warden] ${LIMIT_VARIABLES.maxConnections}=${maxConnections} may need about ${needed} open files, but this process may open ${available}: ` +
        `raise the limit (ulimit -n, LimitNOFILE=) or lower ${LIMIT_VARIABLES.maxConnections}`,
    );
  }
}
