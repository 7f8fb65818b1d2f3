import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serveMachineApi } from "@/lib/api/machine-listener";
import { getRuntime } from "@/lib/runtime";
import { createBoundedServer } from "./bounded-server";
import { answerDrainingHealth, gracefulStop, listen } from "./lifecycle";
import { type Limits, warnIfDescriptorsShort } from "./limits";
import { createNextProxy } from "./next-proxy";

/**
 * `npm start` on Postgres: two processes on one port.
 *
 * This one, the front, owns the port. It answers POST /api/v1/authorize and AuthZEN itself (the
 * machine listener) and passes every other request to the app process, Next, which it starts
 * as its child on a Unix socket. Next never loads here. In Next's process every promise pays for
 * Next's AsyncLocalStorage hooks and several globals (Date among them) are wrapped, and its
 * heap is several times the decision path's; measured side by side on one database, the
 * decision path served alone did 15–20% more decisions per second (docs/benchmarks.md, fifth
 * session). Background work (sweeper, detectors, webhooks, the demo simulator) runs in the app
 * process, off the decision path's event loop.
 *
 * The two share nothing in memory. Both are instances of Warden on one database, as any two
 * instances are: the policy set reaches both through the change feed, caches are short-lived,
 * and every decision re-checks agent, credential and intent when it commits.
 *
 * On the embedded database there is one process (server.ts): PGlite belongs to one process.
 */
export async function runFront(opts: { port: number; hostname: string; limits: Limits; drainMs: number }) {
  const socketPath = path.join(os.tmpdir(), `warden-app-${process.pid}.sock`);
  // Diagnostic flags given to the front (--cpu-prof, --trace-gc ...) are about the front.
  const execArgv = process.execArgv.filter((a) => a === "--enable-source-maps");
  const app = spawn(process.execPath, [...execArgv, process.argv[1], ...process.argv.slice(2)], {
    env: { ...process.env, WARDEN_ROLE: "app", WARDEN_APP_SOCKET: socketPath },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => app.once("exit", () => resolve()));
  app.once("exit", (code, signal) => {
    fs.rmSync(socketPath, { force: true });
    if (stopping) return;
    // Without its app process the front would answer decisions but nothing else: stop, so
    // whatever supervises Warden restarts the pair.
    console.error(`[warden] the app process exited (${signal ?? `code ${code}`}); stopping`);
    process.exit(1);
  });
  await new Promise<void>((resolve) => app.on("message", (m: { ready?: boolean }) => m?.ready && resolve()));

  // The app process has migrated the database; open it and load the policy set before the
  // first decision, so the first caller does not pay for either.
  await (await getRuntime()).policies.current();

  const { limits } = opts;
  const proxy = createNextProxy(socketPath, { maxSockets: limits.maxConnections, appTimeoutMs: limits.appTimeoutMs });
  // Timeouts and the connection cap: lib/server/bounded-server.ts, README "Limits".
  const server = createBoundedServer(
    (req, res) => {
      if (!answerDrainingHealth(req, res) && !serveMachineApi(req, res)) proxy(req, res);
    },
    limits,
    { name: "the front" },
  );
  warnIfDescriptorsShort(limits.maxConnections, 2); // a client's socket and, while proxied, one to the app process
  gracefulStop(
    server,
    async () => {
      // It finishes its own requests in flight (sessions, escalations, the console). After a
      // drain, SIGINT: it may be draining too (a signal to the whole group) and must stop now.
      app.kill(opts.drainMs > 0 ? "SIGINT" : "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000))]);
    },
    // From the signal on, the app process ending is expected: a signal to the whole group (a
    // terminal's Ctrl-C, a container stop) reaches it too, and it may finish first. The front
    // still finishes its own decisions in flight instead of exiting as if the app had crashed.
    () => (stopping = true),
    opts.drainMs,
  );
  await listen(server, { port: opts.port, hostname: opts.hostname });
  const shown = opts.hostname === "0.0.0.0" ? "localhost" : opts.hostname;
  console.log(`[warden] ready on http://${shown}:${opts.port} (decisions here; pages and the rest in process ${app.pid})`);
}
