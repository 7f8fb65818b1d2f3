// The verifiable audit log's two speed targets (issue 21, docs/audit-log.md):
//  1. An event's inclusion proof at 10,000,000 events in ≤ 10 ms: `eventProof`
//     (lib/services/audit-log/proof.ts, what GET /api/v1/audit/{id}/proof answers with) against
//     a fresh Postgres database holding a log of that size (bench/audit-state.ts says how it is
//     built and why it is what the sequencer would have written), for events at the first, last
//     and middle leaves, at tile edges and at random leaves; every proof is verified against the
//     signed checkpoint's root (verifyInclusion) and the checkpoint's signature checked.
//  2. Offline verification of a 1,000,000-event bundle in ≤ 15 s: the real CLI, as a user runs
//     it (`node sdk/audit/warden-audit.mjs verify <bundle> --public-key <file>`), on a bundle
//     written by bench/audit-bundle.ts; it must exit 0 with a line saying "intact", and print
//     its progress on stderr. Alternated with `--workers 0` (one thread), the A/B of the workers.
// BENCH_AUDIT_PART=sequencer|proofs|verify runs one (the sequencer's cost per event: bench/audit-sequencer.ts); BENCH_AUDIT_LEAVES, BENCH_AUDIT_EVENT_ROWS=0 (only the
// proved events as rows), BENCH_AUDIT_ROUNDS, BENCH_AUDIT_BUNDLE_EVENTS, BENCH_AUDIT_RUNS resize.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { leafHash, verifyInclusion } from "../lib/audit/log/merkle";
import { parseCheckpoint, parseNote, signedBy } from "../lib/audit/log/note";
import { openDatabase, rows } from "../lib/db/client";
import { eventProof } from "../lib/services/audit-log/proof";
import { writeBundle } from "./audit-bundle";
import { benchSequencer } from "./audit-sequencer";
import { buildLogState, type LogState } from "./audit-state";
import { freshDatabase, quantiles } from "./servers";

const LEAVES = Number(process.env.BENCH_AUDIT_LEAVES ?? 10_000_000);
const EVENT_ROWS = process.env.BENCH_AUDIT_EVENT_ROWS !== "0";
const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 100);
const BUNDLE_EVENTS = Number(process.env.BENCH_AUDIT_BUNDLE_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_AUDIT_RUNS ?? 3);
const PROOF_TARGET_MS = 10;
const VERIFY_TARGET_S = 15;

const n = (x: number) => x.toLocaleString("en-US");
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

/** A seeded generator (mulberry32): the same random leaves every run. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The leaves proved: the ends, the middle, the edges of level-0 and level-1 tiles, and 12 random ones. */
function positions(size: number): { name: string; leaf: number }[] {
  const named = [
    { name: "first", leaf: 0 },
    { name: "tile edge", leaf: 255 },
    { name: "tile edge", leaf: 256 },
    { name: "level-1 tile edge", leaf: 65_535 },
    { name: "level-1 tile edge", leaf: 65_536 },
    { name: "middle", leaf: Math.floor(size / 2) },
    { name: "last but one", leaf: size - 2 },
    { name: "last", leaf: size - 1 },
  ].filter((p) => p.leaf >= 0 && p.leaf < size);
  const random = seeded(21);
  while (named.length < 20) {
    const leaf = Math.floor(random() * size);
    if (!named.some((p) => p.leaf === leaf)) named.push({ name: "random", leaf });
  }
  return named;
}

/** Everything a reader of the proof would check: the checkpoint's signature and root, the leaf, the path. */
function checkProof(p: Awaited<ReturnType<typeof eventProof>>, e: LogState["proved"][number], state: LogState) {
  const note = parseNote(p.checkpoint);
  const cp = parseCheckpoint(note.text);
  if (!signedBy(note, state.signer)) throw new Error("the proof's checkpoint is not signed by the log's key");
  if (cp.size !== p.treeSize || !cp.root.equals(state.root)) throw new Error("the proof's checkpoint is not the newest one");
  if (p.leafIndex !== e.leaf) throw new Error(`event at leaf ${e.leaf}: the proof says leaf ${p.leafIndex}`);
  const leaf = Buffer.from(p.leafHash, "base64");
  if (!leaf.equals(leafHash(Buffer.from(e.hash, "hex")))) throw new Error(`event at leaf ${e.leaf}: not its leaf hash`);
  if (!verifyInclusion(leaf, p.leafIndex, p.treeSize, p.proof.map((h) => Buffer.from(h, "base64")), cp.root)) throw new Error(`event at leaf ${e.leaf}: the proof does not verify`);
}

async function benchProofs() {
  const database = await freshDatabase("warden_bench_auditlog");
  const h = await openDatabase({ kind: "postgres", url: database.url, poolSize: 4 });
  try {
    const where = positions(LEAVES);
    const t0 = performance.now();
    console.log(`\nInclusion proofs: building a log of ${n(LEAVES)} leaves${EVENT_ROWS ? ` and ${n(LEAVES)} audit_events rows` : ""}`);
    const state = await buildLogState(h.db, LEAVES, where.map((p) => p.leaf), { eventRows: EVENT_ROWS, log: (s) => console.log(s) });
    // What a Postgres that has been running has done: vacuumed and analysed (autovacuum is off
    // on the bench machine), and written the load's dirty pages out (a checkpoint), so the
    // timed calls do not share the disk with the load's write-back.
    await h.db.execute(sql`vacuum analyze`);
    await h.db.execute(sql`checkpoint`);
    const [size] = rows<{ tiles: string; tileBytes: string; events: string; eventBytes: string }>(
      await h.db.execute(sql`select (select count(*) from audit_log_tiles)::text as tiles, pg_size_pretty(pg_total_relation_size('audit_log_tiles')) as "tileBytes",
                                    (select count(*) from audit_events)::text as events, pg_size_pretty(pg_total_relation_size('audit_events')) as "eventBytes"`),
    );
    console.log(
      `built in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${n(Number(size.tiles))} tiles (${size.tileBytes}; the first ${n(state.sequenced)} leaves by the sequencer itself), ` +
        `${n(Number(size.events))} audit_events rows (${size.eventBytes}), ${n(Math.ceil(LEAVES / 10_000))} signed checkpoints; the stored tiles give the streamed root at ${state.checkedSizes.length} sizes`,
    );
    const byLeaf = new Map(state.proved.map((e) => [e.leaf, e]));
    const call = async (leaf: number) => {
      const e = byLeaf.get(leaf)!;
      const t = performance.now();
      const p = await eventProof(h.db, e.id);
      const ms = performance.now() - t;
      checkProof(p, e, state);
      return { ms, hashes: p.proof.length };
    };
    const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
    const loadBefore = load();
    const cold = await call(where[where.length - 1].leaf);
    for (let r = 0; r < 3; r++) for (const p of where) await call(p.leaf); // warm-up: plans, pool, caches
    const times = new Map<number, number[]>(where.map((p) => [p.leaf, []]));
    const hashes = new Map<number, number>();
    const random = seeded(7);
    for (let r = 0; r < ROUNDS; r++) {
      const order = [...where].sort(() => random() - 0.5);
      for (const p of order) {
        const c = await call(p.leaf);
        times.get(p.leaf)!.push(c.ms);
        hashes.set(p.leaf, c.hashes);
      }
    }
    const fmt = (q: { p50: number; p99: number; max: number }) => `${q.p50.toFixed(2)} | ${q.p99.toFixed(2)} | ${q.max.toFixed(2)}`;
    console.log(
      `eventProof per call, ms (${ROUNDS} rounds over ${where.length} events in random order, after 3 warm-up rounds; every proof verified against the signed checkpoint); ` +
        `the first call, cold: ${cold.ms.toFixed(2)} ms; load average ${loadBefore} before, ${load()} after`,
    );
    console.log("| event | leaf | proof hashes | p50 | p99 | max |\n| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const p of where.filter((x) => x.name !== "random")) console.log(`| ${p.name} | ${n(p.leaf)} | ${hashes.get(p.leaf)} | ${fmt(quantiles(times.get(p.leaf)!))} |`);
    const randoms = where.filter((x) => x.name === "random");
    console.log(`| ${randoms.length} random | — | ${Math.min(...randoms.map((p) => hashes.get(p.leaf)!))}–${Math.max(...randoms.map((p) => hashes.get(p.leaf)!))} | ${fmt(quantiles(randoms.flatMap((p) => times.get(p.leaf)!)))} |`);
    const all = quantiles([...times.values()].flat());
    console.log(`| all (${n(ROUNDS * where.length)} calls) | | | ${fmt(all)} |`);
    console.log(`inclusion proof at ${n(LEAVES)} events ≤ ${PROOF_TARGET_MS} ms: ${verdict(all.p99 <= PROOF_TARGET_MS)} — p50 ${all.p50.toFixed(2)} ms, p99 ${all.p99.toFixed(2)} ms, max ${all.max.toFixed(2)} ms`);
  } finally {
    await h.close();
    await database.drop();
  }
}

/** The CPU time of this process's finished children so far, in ms (Linux; null elsewhere). */
function childrenCpuMs(): number | null {
  try {
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, in USER_HZ (100)
  } catch {
    return null;
  }
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number; cpuSeconds: number | null }> {
  const cpu0 = childrenCpuMs();
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["sdk/audit/warden-audit.mjs", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      const cpu1 = childrenCpuMs();
      resolve({ code, stdout, stderr, seconds: (performance.now() - t) / 1000, cpuSeconds: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / 1000 });
    });
  });
}

async function benchVerifier() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-bench-audit-"));
  try {
    const file = path.join(dir, "bundle.ndjson");
    const keyFile = path.join(dir, "key.pub");
    const t0 = performance.now();
    const { bytes } = await writeBundle(file, keyFile, BUNDLE_EVENTS);
    console.log(`\nOffline verification (load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}): a bundle of ${n(BUNDLE_EVENTS)} events (${(bytes / 2 ** 20).toFixed(0)} MiB, a checkpoint every 10,000 events) written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    console.log(`\`node sdk/audit/warden-audit.mjs verify <bundle> --public-key <file>\`, wall time (CPU of the verifier's processes); ${RUNS} runs each, alternated with --workers 0`);
    console.log("| run | workers | wall s | CPU s | progress lines on stderr | verdict |\n| --- | --- | ---: | ---: | ---: | --- |");
    const walls: number[] = [];
    for (let r = 1; r <= RUNS; r++) {
      for (const workers of [null, "0"]) {
        const res = await runCli(["verify", file, "--public-key", keyFile, ...(workers === null ? [] : ["--workers", workers])]);
        const progress = res.stderr.split("\n").filter((l) => l.startsWith("verifying")).length;
        const line = res.stdout.split("\n")[0];
        if (res.code !== 0 || !line.includes("intact")) throw new Error(`the verifier did not find the bundle intact (exit ${res.code}): ${line} ${res.stderr.slice(-500)}`);
        if (progress < 2) throw new Error(`the verifier printed no progress on stderr: ${JSON.stringify(res.stderr.slice(0, 300))}`);
        if (workers === null) walls.push(res.seconds);
        console.log(`| ${r} | ${workers ?? `default (${Math.min(4, os.availableParallelism())})`} | ${res.seconds.toFixed(2)} | ${res.cpuSeconds?.toFixed(2) ?? "—"} | ${progress} | ${line.slice(0, 40)}… |`);
      }
    }
    const worst = Math.max(...walls);
    console.log(`offline verification of ${n(BUNDLE_EVENTS)} events ≤ ${VERIFY_TARGET_S} s: ${verdict(worst <= VERIFY_TARGET_S)} — ${walls.map((w) => w.toFixed(2)).join(" / ")} s (default workers)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAuditLog() {
  const part = process.env.BENCH_AUDIT_PART;
  if (!part || part === "sequencer") await benchSequencer();
  if (!part || part === "proofs") await benchProofs();
  if (!part || part === "verify") await benchVerifier();
}
