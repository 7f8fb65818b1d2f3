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

/**
 * Stops taking requests and waits for every decision already computed to be committed (and
 * answered) before `then` runs; at most 5 s. Runs once, on the first of SIGTERM / SIGINT or a
 * call to the returned function; `starting` runs at once, before the wait.
 */
export function gracefulStop(server: http.Server, then: () => Promise<void> | void, starting?: () => void): (why: string) => void {
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    starting?.();
    console.log(`[warden] ${why}: finishing decisions in flight`);
    server.close();
    server.closeIdleConnections();
    const rt = getRuntime();
    void Promise.race([Promise.resolve(rt).then((r) => r.quiesce()), new Promise((r) => setTimeout(r, 5_000))])
      .then(then)
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return stop;
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
