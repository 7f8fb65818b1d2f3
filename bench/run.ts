// `npm run bench`: every benchmark, one after the other, on this machine. Figures go to stdout;
// copy them into docs/benchmarks.md with the machine and the command.
import os from "node:os";
import { benchAuditAB } from "./audit-ab";
import { benchAuditLog } from "./audit-log";
import { benchAuthorize } from "./authorize";
import { benchGeneralPolicies } from "./general-policies";
import { benchLists } from "./lists";
import { benchMachine, machineProbe } from "./machine";
import { benchOverview } from "./overview";
import { benchPolicies } from "./policy";
import { benchReports } from "./reports";
import { benchRevocation } from "./revocation";
import { benchSessionPage } from "./session-page";
import { benchSoak } from "./soak";

async function main() {
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${machineProbe()}`);
  const only = process.argv[2]; // `npm run bench -- policies` runs one
  if (only === "machine") return benchMachine(); // how fast the machine is right now, alone
  // An hour by default (BENCH_SOAK_MINUTES): only when named, never in a bare `npm run bench`.
  if (only === "soak") return benchSoak();
  // Issue 21's A/B, about 12 minutes: only when named.
  if (only === "audit-ab") return benchAuditAB();
  if (!only || only === "policies") await benchPolicies();
  if (!only || only === "general-policies") await benchGeneralPolicies();
  if (!only || only === "lists") await benchLists();
  if (!only || only === "authorize") await benchAuthorize();
  if (!only || only === "revocation") await benchRevocation();
  if (!only || only === "overview") await benchOverview();
  if (!only || only === "session-page") await benchSessionPage();
  if (!only || only === "reports") await benchReports();
  if (!only || only === "audit-log") await benchAuditLog();
}

// Ctrl-C or a kill: exit through process.exit, so the servers the benchmarks started (in process
// groups of their own, bench/servers.ts) are stopped with the bench.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
