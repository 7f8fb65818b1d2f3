import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../processes";

// A Postgres cluster of a test's own, from the Debian packages: initdb into a temporary folder,
// started on a free port, so a test can stop and start it (or break it) without touching the
// shared server other tests use. As root the commands run as the `postgres` user, who owns the
// folder (Postgres refuses to run as root). A cluster can also give a streaming replica of
// itself (pg_basebackup -R), which a test promotes to fail over to it.

const BIN = process.env.WARDEN_TEST_PG_BIN ?? "/usr/lib/postgresql/15/bin";

export type PrivateCluster = {
  url: string;
  port: number;
  dir: string;
  start(): void;
  /** `fast`: sessions are told and disconnected (what a restart does); `immediate`: a crash. */
  stop(mode?: "fast" | "immediate"): void;
  /** A streaming replica of this (running) cluster on a port of its own, started and caught up. */
  replica(): Promise<PrivateCluster>;
  /** A replica becomes a primary that takes writes (`pg_ctl promote`, waiting until it does). */
  promote(): void;
  destroy(): void;
};

export type PrivateClusterOptions = {
  /**
   * Commits wait for their WAL to be written (synchronous_commit on), so a commit the client saw
   * survives a crash of Postgres (`stop("immediate")`). fsync stays off either way: the test
   * crashes Postgres, never the machine, and the machine is shared.
   */
  durable?: boolean;
};

export function privateClusterAvailable(): boolean {
  return fs.existsSync(path.join(BIN, "initdb")) && fs.existsSync(path.join(BIN, "pg_ctl"));
}

function run(cmd: string, args: string[], asPostgres: boolean) {
  const [file, argv] = asPostgres ? ["runuser", ["-u", "postgres", "--", path.join(BIN, cmd), ...args]] : [path.join(BIN, cmd), args];
  execFileSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
}

function tempDir(asPostgres: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-pg-"));
  if (asPostgres) execFileSync("chown", ["postgres:postgres", dir]);
  fs.chmodSync(dir, 0o700);
  return dir;
}

/** A cluster whose data folder `dir/data` already exists (initdb, or a base backup), started. */
async function serve(dir: string, opts: PrivateClusterOptions, asPostgres: boolean): Promise<PrivateCluster> {
  const data = path.join(dir, "data");
  const port = await freePort();
  // fsync off: the test is about reachability and what was committed, not about the disk, and
  // the machine is shared.
  const commit = opts.durable ? "-c synchronous_commit=on" : "-c synchronous_commit=off";
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off ${commit} -c full_page_writes=off`;
  const cluster: PrivateCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    start: () => run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"], asPostgres),
    stop: (mode = "fast") => run("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"], asPostgres),
    replica: async () => {
      const rdir = tempDir(asPostgres);
      // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
      run("pg_basebackup", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-D", path.join(rdir, "data"), "-R", "-X", "stream", "--no-sync", "-c", "fast"], asPostgres);
      return serve(rdir, opts, asPostgres);
    },
    promote: () => run("pg_ctl", ["-D", data, "-w", "-t", "60", "promote"], asPostgres),
    destroy: () => {
      try {
        cluster.stop("immediate");
      } catch {} // already stopped
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  // A test run that dies without its afterAll must not leave a server behind.
  const leftover = () => {
    try {
      cluster.destroy();
    } catch {}
  };
  process.once("exit", leftover);
  const destroy = cluster.destroy;
  cluster.destroy = () => {
    process.removeListener("exit", leftover);
    destroy();
  };
  return cluster;
}

export async function startPrivateCluster(opts: PrivateClusterOptions = {}): Promise<PrivateCluster> {
  const asPostgres = process.getuid?.() === 0;
  const dir = tempDir(asPostgres);
  run("initdb", ["-D", path.join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"], asPostgres);
  return serve(dir, opts, asPostgres);
}
