// How the disk's flushes behaved while a steady run was measured. Every decision waits for its
// batch's write-ahead-log flush (fdatasync), so a disk whose flushes stall now and then puts
// those stalls in every figure taken meanwhile, Warden's code or not (docs/benchmarks.md, fifth
// session: the stalls went away with synchronous_commit off). This probe flushes a small file of
// its own 20 times a second, in a child process so that it never holds the bench's event loop,
// on the temporary directory's disk, which on the reference machine is Postgres's too.
import { spawn } from "node:child_process";
import os from "node:os";

export type DiskFlushes = { count: number; p50: number; p99: number; max: number; over20: number };

// The child: one 8 KB write and fdatasync every `every` ms until stdin closes; then one line
// of JSON with each flush's time in ms.
const CHILD = `
const fs = require("node:fs"), path = require("node:path");
const file = path.join(process.argv[1], "warden-disk-probe-" + process.pid);
const fd = fs.openSync(file, "w"), buf = Buffer.alloc(8192, 1), times = [];
let i = 0;
const timer = setInterval(() => {
  const t = process.hrtime.bigint();
  fs.writeSync(fd, buf, 0, buf.length, (i++ % 64) * 8192);
  fs.fdatasyncSync(fd);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}, Number(process.argv[2]));
process.stdin.on("end", () => {
  clearInterval(timer);
  fs.closeSync(fd);
  fs.rmSync(file, { force: true });
  process.stdout.write(JSON.stringify(times));
});
process.stdin.resume();
`;

/** p50, p99, max and how many flushes took over 20 ms: `times` in ms, any order. */
export function summariseFlushes(times: number[]): DiskFlushes {
  const s = [...times].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(s.length * p))] * 100) / 100 : 0);
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: s.length ? Math.round(s[s.length - 1] * 100) / 100 : 0, over20: s.filter((t) => t > 20).length };
}

export function diskLine(what: string, d: DiskFlushes): string {
  return `${what}: ${d.count} flushes of 8 KB, p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms, ${d.over20} over 20 ms`;
}

/** Starts flushing now; `stop()` ends it and returns what it saw. */
export function startDiskProbe(everyMs = 50, dir = os.tmpdir()): { stop: () => Promise<DiskFlushes> } {
  const child = spawn(process.execPath, ["-e", CHILD, dir, String(everyMs)], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const done = new Promise<DiskFlushes>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(summariseFlushes(JSON.parse(out || "[]"))) : reject(new Error(`disk probe exited ${code}`))));
  });
  return {
    stop: () => {
      child.stdin.end();
      return done;
    },
  };
}
