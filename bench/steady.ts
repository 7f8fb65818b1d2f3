// Runs bench/steady.c, a constant-rate open-loop sender in C (compiled here with the system's C
// compiler; Debian's `gcc`). The in-process sender in authorize.ts wakes on 1 ms Node timers and
// its own lateness lands in every figure, for the bare server as much as for Warden; this one
// wakes at each due time and reports its lateness apart. Both are printed; neither is hidden.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type SteadyResult = {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 of (sent − due): the sender's own lateness, included in the latencies above. */
  latenessP99: number;
  server?: { p50: number; p99: number };
  /** Requests that found every connection busy when due and waited for one (counted from due). */
  waited: number;
  errors: number;
  non2xx: number;
};

const source = path.join(__dirname, "steady.c");
let binary: string | null | undefined;

/** Compiles the sender once per bench; null when no C compiler is installed. */
export function steadySender(): string | null {
  if (binary !== undefined) return binary;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "warden-steady-")), "steady");
  try {
    execFileSync("cc", ["-O2", "-o", out, source], { stdio: ["ignore", "ignore", "inherit"] });
    binary = out;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // a compile error is a bug, not a missing tool
    binary = null;
  }
  return binary;
}

/** One complete keep-alive HTTP/1.1 POST, as the sender replays it. */
export function rawRequest(url: string, headers: Record<string, string>, body: string): string {
  const u = new URL(url);
  const lines = [`POST ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`];
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

export function runSteady(url: string, opts: { headers: Record<string, string>; body: string; rate: number; seconds: number; connections?: number; stallSeconds?: number }): Promise<SteadyResult> {
  const bin = steadySender();
  if (!bin) throw new Error("no C compiler (cc) to build bench/steady.c");
  const u = new URL(url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-steady-req-"));
  const file = path.join(dir, "request.http");
  fs.writeFileSync(file, rawRequest(url, opts.headers, opts.body));
  const args = [u.hostname, u.port, file, String(opts.rate), String(opts.seconds), String(opts.connections ?? 32), String(opts.stallSeconds ?? 10)];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`steady sender exited ${code}: ${err.trim() || out}`));
      const r = JSON.parse(out);
      const ms = (x: number) => Math.round(x * 100) / 100;
      resolve({
        requests: r.requests,
        rps: r.requests / r.seconds,
        p50: ms(r.p50),
        p99: ms(r.p99),
        max: ms(r.max),
        latenessP99: ms(r.latenessP99),
        server: r.serverP50 >= 0 ? { p50: ms(r.serverP50), p99: ms(r.serverP99) } : undefined,
        waited: r.waited,
        errors: r.errors,
        non2xx: r.non2xx,
      });
    });
  });
}
