import fs from "node:fs";
import http from "node:http";
import { startWardenOrExit } from "@/lib/startup";
import { gracefulStop, listen, nextHandler } from "./lifecycle";

/**
 * The app process behind the front (lib/server/front.ts): Next, the management and machine
 * APIs other than authorize, and the background work, on a Unix socket only the front uses.
 */
export async function runAppProcess(opts: { port: number; hostname: string; socketPath: string }) {
  await startWardenOrExit();
  const handle = await nextHandler(opts.hostname, opts.port);
  const server = http.createServer(handle);
  // Only the front connects, through a pool of sockets it reuses (lib/server/next-proxy.ts).
  // Never closing an idle one rules out the race where this side closes a socket just as the
  // front sends the next request on it (which the front would see as a failed request).
  server.keepAliveTimeout = 0;
  const stop = gracefulStop(server, () => fs.rmSync(opts.socketPath, { force: true }));
  // The front went away without stopping us (killed outright): nobody can reach this process.
  process.on("disconnect", () => stop("the front process is gone"));
  fs.rmSync(opts.socketPath, { force: true }); // left over from a process that was killed
  await listen(server, { path: opts.socketPath });
  process.send?.({ ready: true });
}
