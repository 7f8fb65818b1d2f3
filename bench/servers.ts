// Shared by the HTTP benchmarks: a fresh local Postgres database that is dropped afterwards,
// and production servers (`npm start`'s bundle) on it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import pg from "pg";

const admin = process.env.WARDEN_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export async function freshDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now()}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await c.end();
    },
  };
}

export type Server = { base: string; pid: number; stop: () => Promise<void> };

/**
 * Starts `.next/warden-server.cjs` on `port` against `databaseUrl` and waits until it answers.
 * `nodeArgs` are node flags for the server, `log` a file for its stdout and `env` its settings. For diagnosis:
 * BENCH_NODE_ARGS adds node flags (e.g. "--trace-gc", "--cpu-prof"), and BENCH_SERVER_LOG names
 * the stdout file when `log` does not.
 */
export async function startServer(databaseUrl: string, port: number, opts: { nodeArgs?: string[]; log?: string; env?: Record<string, string> } = {}): Promise<Server> {
  if (!fs.existsSync(".next/warden-server.cjs")) throw new Error("run `npm run build` first");
  const args = [...(opts.nodeArgs ?? []), ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [])];
  const log = opts.log ?? process.env.BENCH_SERVER_LOG;
  const child: ChildProcess = spawn("node", [...args, ".next/warden-server.cjs", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, ...opts.env, DATABASE_URL: databaseUrl, PORT: String(port), NODE_ENV: "production", WARDEN_DEMO: "0" },
    stdio: ["ignore", log ? fs.openSync(log, "w") : "ignore", "inherit"],
    detached: true, // its own process group, so the whole tree stops at the end
  });
  // Its own process group outlives the bench if the bench dies first (an error, or its output
  // piped into `head`): a left-over server would hold the port and, with nobody reading its
  // output, take CPU from every later run. So the group goes down with the bench, however the
  // bench ends short of SIGKILL.
  const killGroup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {}
  };
  process.once("exit", killGroup);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 120) throw new Error(`${base} did not come up`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    pid: child.pid!,
    stop: async () => {
      process.off("exit", killGroup);
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      await new Promise((r) => setTimeout(r, 500));
    },
  };
}

export function quantiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(s.length * p))] * 100) / 100;
  return { p50: q(0.5), p99: q(0.99), max: Math.round(s[s.length - 1] * 100) / 100 };
}

/** What a file has gained since `from` (a byte offset): a server's log during one run. */
export function readFrom(file: string, from: number): string {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - from));
    fs.readSync(fd, buf, 0, buf.length, from);
    return buf.toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
