// `npm start`: Warden's production server (built into .next/warden-server.cjs by
// scripts/build-server.mjs). POST /api/v1/authorize, the per-tool-call hot path, and AuthZEN's
// evaluation endpoints and metadata are answered on plain node:http (lib/api/machine-listener.ts);
// every other request (pages, management API, the rest of the machine API) goes to Next as
// `next start` would.
//
// On Postgres that is two processes on one port (lib/server/front.ts): a front that answers
// decisions without Next loaded and passes the rest to Next in a child process.
// WARDEN_SINGLE_PROCESS=1 keeps everything in one, as on the embedded database, where it must be.
// First: garbage-collector tuning for the decision path (see the file).
import "./lib/v8-tuning";
import { serveMachineApi } from "./lib/api/machine-listener";
import { runAppProcess } from "./lib/server/app-process";
import { createBoundedServer } from "./lib/server/bounded-server";
import { runFront } from "./lib/server/front";
import { answerDrainingHealth, drainMsFromEnv, exitWhenDatabaseBreaks, gracefulStop, listen, nextHandler } from "./lib/server/lifecycle";
import { identityHygieneFromEnv } from "./lib/domain/identity-hygiene";
import { type Limits, limitsFromEnv, warnIfDescriptorsShort } from "./lib/server/limits";
import { tolerateClosedOutput } from "./lib/server/stdio";
import { startWardenOrExit } from "./lib/startup";

function arg(names: string[]): string | undefined {
  const i = process.argv.findIndex((a) => names.includes(a));
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(arg(["-p", "--port"]) ?? process.env.PORT ?? 3000);
const hostname = arg(["-H", "--hostname"]) ?? "0.0.0.0";
process.env.PORT = String(port); // the demo simulator calls this server back on PORT

async function singleProcess(limits: Limits, drainMs: number) {
  // Migrations, guardrails, first admin, demo seed: all before the first decision is answered.
  await startWardenOrExit();
  const handle = await nextHandler(hostname, port);
  // Timeouts and the connection cap: lib/server/bounded-server.ts, README "Limits".
  const server = createBoundedServer((req, res) => {
    if (!answerDrainingHealth(req, res) && !serveMachineApi(req, res)) handle(req, res);
  }, limits);
  warnIfDescriptorsShort(limits.maxConnections, 1);
  const stop = gracefulStop(server, () => {}, undefined, drainMs);
  void exitWhenDatabaseBreaks(stop);
  await listen(server, { port, hostname });
  console.log(`[warden] ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
}

async function main(): Promise<void> {
  tolerateClosedOutput(); // every role: a closed log pipe must not stop or spin any of them
  const limits = limitsFromEnv(); // a bad WARDEN_* limit stops the start here, naming the variable
  const drainMs = drainMsFromEnv(); // likewise WARDEN_DRAIN_SECONDS
  identityHygieneFromEnv(); // so does a bad WARDEN_DORMANT_DAYS / WARDEN_KEY_MAX_AGE_DAYS, in every role
  if (process.env.WARDEN_ROLE === "app") return runAppProcess({ port, hostname, socketPath: process.env.WARDEN_APP_SOCKET!, limits, drainMs });
  if (process.env.DATABASE_URL && process.env.WARDEN_SINGLE_PROCESS !== "1") return runFront({ port, hostname, limits, drainMs });
  return singleProcess(limits, drainMs);
}

main().catch((err) => {
  console.error("[warden] failed to start:", err);
  process.exit(1);
});
