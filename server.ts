// `npm start`: Warden's production server (built into .next/warden-server.cjs by
// scripts/build-server.mjs). One port, one process: POST /api/v1/authorize, the per-tool-call
// hot path, is answered on plain node:http (lib/api/machine-listener.ts); every other request
// (pages, management API, the rest of the machine API) goes to Next as `next start` would.
// First: garbage-collector tuning for the decision path (see the file).
import "./lib/v8-tuning";
import http from "node:http";
import next from "next";
import { serveMachineApi } from "./lib/api/machine-listener";
import { startWardenOrExit } from "./lib/startup";

function arg(names: string[]): string | undefined {
  const i = process.argv.findIndex((a) => names.includes(a));
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(arg(["-p", "--port"]) ?? process.env.PORT ?? 3000);
const hostname = arg(["-H", "--hostname"]) ?? "0.0.0.0";
process.env.PORT = String(port); // the demo simulator calls this server back on PORT

async function main() {
  // Migrations, guardrails, first admin, demo seed: all before the first decision is answered.
  await startWardenOrExit();
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    if (serveMachineApi(req, res)) return;
    handle(req, res).catch((err) => {
      console.error("[warden] request failed:", err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 65_000; // longer than common proxies' idle timeouts
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve));
  console.log(`[warden] ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[warden] ${signal}: finishing decisions in flight`);
    server.close();
    server.closeIdleConnections();
    // Every decision already computed is committed (and answered) before the process ends.
    const writer = (globalThis as { __wardenWriter?: { writer: { drain(): Promise<void> } } }).__wardenWriter?.writer;
    await Promise.race([writer?.drain(), new Promise((r) => setTimeout(r, 5_000))]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err) => {
  console.error("[warden] failed to start:", err);
  process.exit(1);
});
