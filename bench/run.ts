// `npm run bench`: every benchmark, one after the other, on this machine. Figures go to stdout;
// copy them into docs/benchmarks.md with the machine and the command.
import fs from "node:fs";
import os from "node:os";
import { benchAuthorize } from "./authorize";
import { benchLists } from "./lists";
import { benchOverview } from "./overview";
import { benchPolicies } from "./policy";
import { benchReports } from "./reports";
import { benchRevocation } from "./revocation";
import { benchSessionPage } from "./session-page";

/**
 * This machine's speed right now, best of three each: a fixed piece of integer work, and 100,000
 * small writes to /dev/null (one system call each). A shared VM's speed moves through the day
 * (by up to 3× on this one, mostly in the cost of system calls and scheduling), so every set of
 * figures is printed with these.
 */
function machineProbe(): string {
  const best = (f: () => void) => {
    let ms = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      f();
      ms = Math.min(ms, performance.now() - start);
    }
    return Math.round(ms);
  };
  let x = 0; // a variable outside the loop's closure: its writes are kept, so is the loop
  const compute = best(() => {
    for (let i = 0; i < 1e8; i++) x = (x * 31 + i) | 0;
  });
  const fd = fs.openSync("/dev/null", "w");
  const buf = Buffer.alloc(16);
  const syscalls = best(() => {
    for (let i = 0; i < 100_000; i++) fs.writeSync(fd, buf);
  });
  fs.closeSync(fd);
  return `probe: 1e8 integer steps ${compute} ms, 100k write(2) ${syscalls} ms`;
}

async function main() {
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${machineProbe()}`);
  const only = process.argv[2]; // `npm run bench -- policies` runs one
  if (!only || only === "policies") await benchPolicies();
  if (!only || only === "lists") await benchLists();
  if (!only || only === "authorize") await benchAuthorize();
  if (!only || only === "revocation") await benchRevocation();
  if (!only || only === "overview") await benchOverview();
  if (!only || only === "session-page") await benchSessionPage();
  if (!only || only === "reports") await benchReports();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
