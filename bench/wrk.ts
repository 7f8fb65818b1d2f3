// A closed-loop run with wrk (C, epoll; Debian's `wrk` package) instead of autocannon. On a
// two-core machine the load generator competes with the server and Postgres for the same cores;
// autocannon spends ~30 µs of CPU per request, wrk a fraction of that, so more of the machine
// goes to what is being measured, as it would with agents calling from elsewhere. Both
// generators' figures are printed; neither is hidden.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type WrkResult = { rps: number; p50: number; p99: number; errors: number; non2xx: number; cpuUs: number; requests: number };

export function wrkAvailable(): boolean {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (e) {
    // wrk prints its usage and exits 1 on --version; only a missing binary is "not available".
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

// The done() hook runs inside wrk when the run ends: it reads wrk's own CPU time from /proc and
// prints one JSON line with the exact percentiles (µs) and error counts.
const luaDone = `
done = function(summary, latency, requests)
  local f = io.open("/proc/self/stat", "r")
  local stat = f:read("*a")
  f:close()
  local rest = stat:match("%) (.*)")
  local fields = {}
  for x in rest:gmatch("%S+") do fields[#fields + 1] = x end
  local ticks = tonumber(fields[12]) + tonumber(fields[13])
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"p50":%d,"p99":%d,"socketErrors":%d,"non2xx":%d,"cpuTicks":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status, ticks))
end
`;

function luaString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function runWrk(url: string, opts: { method: string; headers: Record<string, string>; body: string; connections: number; seconds: number }): Promise<WrkResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-wrk-"));
  const script = path.join(dir, "request.lua");
  const headerLines = Object.entries(opts.headers).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  fs.writeFileSync(script, [`wrk.method = ${luaString(opts.method)}`, `wrk.body = ${luaString(opts.body)}`, ...headerLines, luaDone].join("\n"));
  return new Promise((resolve, reject) => {
    // One thread: wrk's event loop alone drives 50 connections far faster than this server
    // answers, and a second thread would only take CPU from the server.
    const child = spawn("wrk", ["-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "-s", script, url], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      const line = out.split("\n").find((l) => l.startsWith("WRK_RESULT "));
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}: ${out}`));
      const r = JSON.parse(line.slice("WRK_RESULT ".length));
      const ticksMs = 1000 / 100; // USER_HZ
      resolve({
        requests: r.requests,
        rps: r.requests / (r.durationUs / 1e6),
        p50: Math.round(r.p50 / 10) / 100,
        p99: Math.round(r.p99 / 10) / 100,
        errors: r.socketErrors,
        non2xx: r.non2xx,
        cpuUs: r.cpuTicks * ticksMs * 1000,
      });
    });
  });
}
