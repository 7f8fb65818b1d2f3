import http from "node:http";
import { getRuntime } from "@/lib/runtime";

/** Listens on a TCP port or a Unix socket path, resolving once the server accepts connections. */
export function listen(server: http.Server, target: { port: number; hostname: string } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const done = () => {
      server.off("error", reject);
      resolve();
    };
    if ("path" in target) server.listen(target.path, done);
    else server.listen(target.port, target.hostname, done);
  });
}

// Draining (README "Restarts, failover, a killed process, a full disk"): from SIGTERM, for
// WARDEN_DRAIN_SECONDS, the process keeps serving everything but answers its health check 503
// "draining", so a balancer that checks it stops sending new connections before the listener
// closes. Without it, connections that reach a process in the instant it stops listening are
// reset before their request is read, and the balancer reports them as failed (502).
let draining = false;

/** The drain period from WARDEN_DRAIN_SECONDS (default 0: stop at once); a bad value stops the start. */
export function drainMsFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.WARDEN_DRAIN_SECONDS?.trim();
  if (!raw) return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 300) throw new Error(`WARDEN_DRAIN_SECONDS must be a number of seconds from 0 to 300 (got "${raw}")`);
  return Math.round(n * 1000);
}

/** While draining, answers the health check (GET or HEAD /api/health) 503 `draining`; true when it answered. */
export function answerDrainingHealth(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!draining || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const path = req.url?.split("?")[0];
  if (path !== "/api/health") return false;
  const body = JSON.stringify({ status: "draining" });
  res.writeHead(503, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body), connection: "close" });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}

/**
 * Stops taking requests and waits for every decision already computed to be committed (and
 * answered) before `then` runs; at most 5 s. Runs once, on the first of SIGTERM / SIGINT or a
 * call to the returned function; `starting` runs at once, before the wait. Exits with
 * `exitCode` (0 for a signal). With `drainMs`, SIGTERM first drains for that long (serving,
 * health 503); a second signal, SIGINT or a call stops at once.
 */
export function gracefulStop(server: http.Server, then: () => Promise<void> | void, starting?: () => void, drainMs = 0): (why: string, exitCode?: number) => void {
  let stopping = false;
  const stop = (why: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    starting?.();
    console.log(`[warden] ${why}: finishing decisions in flight`);
    server.close();
    server.closeIdleConnections();
    const rt = getRuntime();
    void Promise.race([Promise.resolve(rt).then((r) => r.quiesce()), new Promise((r) => setTimeout(r, 5_000))])
      .then(then)
      .finally(() => process.exit(exitCode));
  };
  process.on("SIGTERM", () => {
    if (draining || !(drainMs > 0)) return stop("SIGTERM");
    draining = true;
    console.log(`[warden] SIGTERM: draining for ${drainMs / 1000} s (serving; the health check answers 503 "draining"), then stopping`);
    setTimeout(() => stop("SIGTERM, drained"), drainMs);
  });
  process.on("SIGINT", () => stop("SIGINT"));
  return stop;
}

/**
 * When the database can be used no more by this process (the embedded one after a PANIC, e.g.
 * its disk full: lib/db/client.ts), says why and stops with exit code 1, so that a supervisor
 * starts Warden again; PGlite recovers what was committed on the next start. Requests in flight
 * meanwhile are answered 503 (their statements fail at once).
 */
export async function exitWhenDatabaseBreaks(stop: (why: string, exitCode?: number) => void): Promise<void> {
  const rt = await getRuntime();
  const err = await rt.handle.broken;
  if (!err) return;
  const dir = process.env.WARDEN_DATA_DIR ?? ".data";
  console.error(
    `[warden] the embedded database cannot continue (${err.message}); exiting with code 1 so that a supervisor starts Warden again` +
      (/No space left|ENOSPC/i.test(err.message) ? ` (free space in ${dir} first: it will not start on a full disk)` : ""),
  );
  stop("the embedded database stopped", 1);
}

/** Next's request handler for this build, with a plain 500 when it throws. */
export async function nextHandler(hostname: string, port: number): Promise<http.RequestListener> {
  // Loaded here, not at the top of the file: the front process (lib/server/front.ts) never
  // loads Next, so none of Next's hooks run on the decision path.
  const next = (await import("next")).default;
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  return (req, res) => {
    handle(req, res).catch((err) => {
      console.error("[warden] request failed:", err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}
