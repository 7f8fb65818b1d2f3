// `npm run faults [-- <scenario>…] [--short]`: the fault scenarios of issue 26 (points 4 and 6)
// at length (tests/faults/scenarios.ts): more agents at once, longer outages, several rounds of
// rolling restarts. The suite runs the same scenarios short (e2e/api/faults*.spec.ts). Needs
// `npm run build` first and, for the disk-full one, permission to mount a tmpfs (root).
// Exit code 0 when every scenario held, 1 otherwise.
import {
  appProcessDies,
  cannotMount,
  embeddedDiskFull,
  failover,
  failoverBehindName,
  FULL,
  postgresDownUnderLoad,
  PostgresFleet,
  rollingRestart,
  SHORT,
  sigkillMidBatch,
  type Report,
} from "./scenarios";

const FLEET = ["postgres-crash", "rolling-restart", "postgres-restart", "failover", "failover-name", "sigkill", "app-dies"] as const;
const ALL = [...FLEET, "disk-full"] as const;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const pace = args.includes("--short") ? SHORT : FULL;
  const chosen = args.filter((a) => !a.startsWith("--"));
  for (const c of chosen) if (!(ALL as readonly string[]).includes(c)) throw new Error(`unknown scenario ${c}; one of ${ALL.join(", ")}`);
  const wants = (s: string) => chosen.length === 0 || chosen.includes(s);
  console.log(`[faults] pace ${JSON.stringify(pace)}`);
  const reports: Report[] = [];
  const t0 = Date.now();
  const report = (r: Report, started: number) => {
    reports.push(r);
    console.log(`[faults] ${r.problems.length ? "FAILED" : "held  "} ${r.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const [k, v] of Object.entries(r.facts)) console.log(`           ${k}: ${JSON.stringify(v)}`);
    for (const p of r.problems) console.log(`         ✗ ${p}`);
  };
  if (FLEET.some(wants)) {
    const fleet = await PostgresFleet.start();
    try {
      const steps: [string, () => Promise<Report>][] = [
        ["postgres-crash", () => postgresDownUnderLoad(fleet, pace, "immediate")],
        ["postgres-restart", () => postgresDownUnderLoad(fleet, pace, "fast")],
        ["rolling-restart", () => rollingRestart(fleet, pace)],
        ["failover", () => failover(fleet, pace)],
        ["failover-name", () => failoverBehindName(fleet, pace)],
        ["sigkill", () => sigkillMidBatch(fleet, pace)],
        ["app-dies", () => appProcessDies(fleet, pace)],
      ];
      for (const [name, run] of steps) {
        if (!wants(name)) continue;
        const started = Date.now();
        const r = await run();
        report(r, started);
        if (r.problems.length) console.log(fleet.logs());
      }
      const started = Date.now();
      report(await fleet.everything(), started);
    } finally {
      await fleet.close();
    }
  }
  if (wants("disk-full")) {
    const why = cannotMount();
    if (why) console.log(`[faults] skipped disk full under the embedded database: ${why}`);
    else {
      const started = Date.now();
      report(await embeddedDiskFull(pace), started);
    }
  }
  const failed = reports.filter((r) => r.problems.length);
  console.log(`[faults] ${reports.length - failed.length} of ${reports.length} held in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return failed.length ? 1 : 0;
}

// Ctrl-C or a kill: exit through process.exit, so the servers and clusters are cleaned up.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
