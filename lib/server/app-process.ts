import fs from "node:fs";
import { startWardenOrExit } from "@/lib/startup";
import { createBoundedServer } from "./bounded-server";
import { gracefulStop, listen, nextHandler } from "./lifecycle";
import type { Limits } from "./limits";

// Sockets the front may have open to this process beyond its cap for a moment: one it has
// closed (a client gone) may not be closed here yet when it opens the next.
const FRONT_SOCKET_SLACK = 64;

/**
 * The app process behind the front (lib/server/front.ts): Next, the management and machine
 * APIs other than authorize and AuthZEN, and the background work, on a Unix socket only the
 * front uses.
 */
export async function runAppProcess(opts: { port: number; hostname: string; socketPath: string; limits: Limits; drainMs: number }) {
  await startWardenOrExit();
  const handle = await nextHandler(opts.hostname, opts.port);
  // Only the front connects, through a pool of at most WARDEN_MAX_CONNECTIONS sockets it reuses
  // (lib/server/next-proxy.ts). Never closing an idle one (keep-alive timeout 0) rules out the
  // race where this side closes a socket just as the front sends the next request on it (which
  // the front would see as a failed request). The timeouts are the front's: a request the front
  // passes on is streamed as its client sends it, and the front, which started the clock first,
  // cuts a slow one first.
  const server = createBoundedServer(handle, opts.limits, {
    name: "the app process",
    keepAliveTimeoutMs: 0,
    maxConnections: opts.limits.maxConnections + FRONT_SOCKET_SLACK,
  });
  // It drains as the front does when a signal reaches the whole group, so pages keep working
  // while the front drains; the front stops it with SIGINT after its own drain.
  const stop = gracefulStop(server, () => fs.rmSync(opts.socketPath, { force: true }), undefined, opts.drainMs);
  // The front went away without stopping us (killed outright): nobody can reach this process.
  process.on("disconnect", () => stop("the front process is gone"));
  fs.rmSync(opts.socketPath, { force: true }); // left over from a process that was killed
  await listen(server, { path: opts.socketPath });
  process.send?.({ ready: true });
}
