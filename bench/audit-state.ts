// The database state of a Merkle audit log of n leaves, for the inclusion-proof benchmark, built
// without running the sequencer n times: the tiles are computed here, leaf by leaf, with the
// sequencer's own tile code (appendLeaves in lib/audit/log/tiles.ts, through TileBuilder) and
// written with the same columns the sequencer writes (level, idx, hashes; level-0 tiles with seqs
// and first_seq), so audit_log_tiles holds byte for byte what sequencing those events would have
// left there. What the sequencer reads of an event is its seq and hash, and a leaf is
// leafHash(the 32 bytes of the event's hash) (docs/audit-log.md); so:
//   - the events proved are real audit_events rows (bench/audit-bundle.ts's events, chained with
//     lib/audit/chain.ts onto the hash before them);
//   - every other leaf stands for an event whose hash is SHA-256("bench <leaf>"), and, with
//     `eventRows`, that event is an audit_events row too (written in SQL: seq and hash as the leaf
//     has them, so the id lookup runs against a table of n rows, as in production);
//   - seqs have a gap of 2 after every 1,000 events (writes that rolled back), so leaf index and
//     seq differ as they do in production.
// Checks that the state is what it claims: the root streamed from the leaves by the verifier's
// IncrementalTree (a different algorithm from the tiles') must equal the root the server reads
// from the stored tiles at every checkpoint size sampled; the proofs are then verified against
// the signed checkpoint. A checkpoint is signed every 10,000 leaves, as a log growing by that much
// between checkpoints would have; audit_log_state says the tree holds n leaves.
import { hash } from "node:crypto";
import { sql } from "drizzle-orm";
import { chainHash, eventPayload, GENESIS_HASH } from "../lib/audit/chain";
import { leafHash, rootHash, type Hash } from "../lib/audit/log/merkle";
import { checkpointText, generateSigner, signNote, type Signer } from "../lib/audit/log/note";
import { overTiles } from "../lib/audit/log/store";
import type { Tile } from "../lib/audit/log/tiles";
import { TILE_WIDTH } from "../lib/audit/log/tiles";
import type { Db } from "../lib/db/client";
import { auditCheckpoints, auditEvents, auditLogKeys, auditLogState, auditLogTiles } from "../lib/db/schema";
import { IncrementalTree } from "../sdk/audit/tree";
import { BENCH_ORIGIN, benchEvent, TileBuilder } from "./audit-bundle";

export const seqOf = (leaf: number) => leaf + 1 + 2 * Math.floor(leaf / 1000);
const standIn = (leaf: number) => hash("sha256", `bench ${leaf}`, "hex");
const T0 = Date.UTC(2026, 0, 1);
const CHECKPOINT_EVERY = 10_000;

export type ProvedEvent = { leaf: number; id: string; seq: number; hash: string };
export type LogState = { size: number; root: Hash; signer: Signer; proved: ProvedEvent[]; checkedSizes: number[]; tiles: number };

async function insertTiles(db: Db, tiles: Tile[]) {
  for (let i = 0; i < tiles.length; i += 100) await db.insert(auditLogTiles).values(tiles.slice(i, i + 100));
}

/** Fills the empty (migrated) database `db` with a log of `size` leaves; `prove` are the leaves given real events. */
export async function buildLogState(db: Db, size: number, prove: number[], opts: { eventRows: boolean; log?: (s: string) => void }): Promise<LogState> {
  const signer = generateSigner(BENCH_ORIGIN, Buffer.alloc(32, 9));
  const wanted = new Set(prove);
  const rows: (typeof auditEvents.$inferInsert)[] = [];
  const proved: ProvedEvent[] = [];
  const builder = new TileBuilder();
  const streamed = new IncrementalTree();
  const roots = new Map<number, Hash>();
  let prev = GENESIS_HASH;
  let batch: { hash: Hash; seq: number }[] = [];
  let writing: Promise<void> = Promise.resolve();
  let tiles = 0;
  const t0 = performance.now();
  for (let i = 0; i < size; i++) {
    let h: string;
    if (wanted.has(i)) {
      const e = benchEvent(i, T0);
      h = chainHash(prev, eventPayload(e));
      rows.push({ ...e, seq: seqOf(i), prevHash: prev, hash: h });
      proved.push({ leaf: i, id: e.id, seq: seqOf(i), hash: h });
    } else h = standIn(i);
    const leaf = leafHash(Buffer.from(h, "hex"));
    streamed.push(leaf);
    batch.push({ hash: leaf, seq: seqOf(i) });
    prev = h;
    if (streamed.size % CHECKPOINT_EVERY === 0 || streamed.size === size) roots.set(streamed.size, streamed.root());
    if (batch.length === TILE_WIDTH * TILE_WIDTH || i === size - 1) {
      const full = builder.append(batch);
      batch = [];
      tiles += full.length;
      // One write in flight while the next leaves are hashed: Postgres has the other core.
      await writing;
      writing = insertTiles(db, full);
      if (opts.log && (i + 1) % (TILE_WIDTH * TILE_WIDTH * 16) === 0) opts.log(`  ${(i + 1).toLocaleString("en-US")} leaves, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  await writing;
  const partial = builder.partial();
  await insertTiles(db, partial);
  tiles += partial.length;
  if (rows.length) await db.insert(auditEvents).values(rows);
  if (opts.eventRows) await insertStandInRows(db, size, prove, opts.log);
  await db.update(auditLogState).set({ size, lastSeq: seqOf(size - 1), lastHash: prev }).where(sql`id = 1`);

  // Signed checkpoints every CHECKPOINT_EVERY leaves; the newest is of the whole tree.
  await db.insert(auditLogKeys).values({ keyId: signer.keyId, verifier: signer.text });
  const cps = [...roots].map(([s, root]) => ({
    size: s,
    root,
    note: signNote(checkpointText({ origin: signer.name, size: s, root, extensions: [`time ${Math.floor(T0 / 1000) + s}`] }), [signer]),
    keyId: signer.keyId,
  }));
  for (let i = 0; i < cps.length; i += 500) await db.insert(auditCheckpoints).values(cps.slice(i, i + 500));

  // The tiles as stored give the streamed root: at the full size, just after each proved leaf, and at sampled checkpoints.
  const sizes = [...new Set([size, ...prove.map((p) => Math.ceil((p + 1) / CHECKPOINT_EVERY) * CHECKPOINT_EVERY), ...[...roots.keys()].filter((_, k) => k % 97 === 0)])]
    .filter((s) => s <= size && roots.has(s))
    .sort((a, b) => a - b);
  for (const s of sizes) {
    const fromTiles = await overTiles(db, (tree) => rootHash(tree, s));
    if (!fromTiles.equals(roots.get(s)!)) throw new Error(`the stored tiles give another root at size ${s} than the leaves streamed`);
  }
  return { size, root: roots.get(size)!, signer, proved, checkedSizes: sizes, tiles };
}

/**
 * audit_events rows for every leaf not proved, generated in Postgres: seq and hash as the leaf
 * has them (the stand-in hash, SHA-256 of "bench <leaf>"), prev_hash the stand-in before, fields
 * like a decision's. A million rows per statement.
 */
async function insertStandInRows(db: Db, size: number, prove: number[], log?: (s: string) => void) {
  const t0 = performance.now();
  const skip = `{${prove.join(",")}}`;
  for (let from = 0; from < size; from += 1_000_000) {
    const to = Math.min(size, from + 1_000_000) - 1;
    await db.execute(sql`
      insert into audit_events (seq, id, occurred_at, actor_kind, actor_id, actor_label, action, target_kind, target_id, agent_id, session_id, detail, request_id, ip, prev_hash, hash)
      select i + 1 + 2 * (i / 1000), ('01900001-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, ${new Date(T0).toISOString()}::timestamptz + i * interval '40 milliseconds',
             'agent', ('01900004-0000-7000-8000-' || lpad(to_hex(i % 20), 12, '0')), 'agent-' || (i % 20), 'decision.allow', 'decision',
             ('01900007-0000-7000-8000-' || lpad(to_hex(i), 12, '0')), ('01900004-0000-7000-8000-' || lpad(to_hex(i % 20), 12, '0'))::uuid,
             ('01900005-0000-7000-8000-' || lpad(to_hex(i / 1700), 12, '0'))::uuid,
             jsonb_build_object('action', 'connector-' || (i % 10) || ':tool-' || (i % 7) || '.read', 'resource', null, 'reasons', '[]'::jsonb, 'policyVersion', 'v12'),
             '01900006-0000-7000-8000-' || lpad(to_hex(i), 12, '0'), '10.0.0.' || (i % 250),
             case when i = 0 then ${GENESIS_HASH} else encode(sha256(convert_to('bench ' || (i - 1), 'UTF8')), 'hex') end,
             encode(sha256(convert_to('bench ' || i, 'UTF8')), 'hex')
      from generate_series(${from}::bigint, ${to}::bigint) i
      where i <> all (${skip}::bigint[])`);
    log?.(`  audit_events: ${(to + 1).toLocaleString("en-US")} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}
