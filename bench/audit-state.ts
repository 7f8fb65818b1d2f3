// The database state of a Merkle audit log of n leaves, for the inclusion-proof benchmark, built
// without running the sequencer n times. What the sequencer reads of an event is its seq, hash and
// prev_hash, and a leaf is leafHash(the 32 bytes of the event's hash) (docs/audit-log.md). So:
//   - the events proved are real audit_events rows (bench/audit-bundle.ts's events, their hashes
//     chained with lib/audit/chain.ts onto the hash before them);
//   - every other event's hash is a stand-in, SHA-256("bench <leaf>"), and with `eventRows` (the
//     default) it is an audit_events row too, written in SQL: seq and hash as its leaf has them,
//     prev_hash the hash before it, fields like a decision's (its payload hash is not checked by
//     anything here), so the id lookup runs against a table of n rows, as in production;
//   - seqs have a gap of 2 after every 1,000 events (writes that rolled back), so leaf index and
//     seq differ as they do in production.
// The first SEQUENCED leaves are then appended by the real sequencer (sequencePass, batches of
// 10,000 read from those rows); the rest are laid out from its open tiles on, by the sequencer's
// own tile code (appendLeaves, through TileBuilder), in batches of 65,536, and written with the
// same upsert it uses. Checks that the state is what it claims: the root streamed from the leaves
// by the verifier's IncrementalTree (another algorithm than the tiles') must equal the root read
// from the stored tiles at every size sampled, below and above the sequencer's part; the proofs
// are then verified against the signed checkpoint. A checkpoint is signed every 10,000 leaves, as
// a log growing by that much between checkpoints would have; audit_log_state ends at n leaves.
import { hash } from "node:crypto";
import { sql } from "drizzle-orm";
import { chainHash, eventPayload, GENESIS_HASH } from "../lib/audit/chain";
import { leafHash, rootHash, type Hash } from "../lib/audit/log/merkle";
import { checkpointText, generateSigner, signNote, type Signer } from "../lib/audit/log/note";
import { overTiles, readTiles } from "../lib/audit/log/store";
import { sequencePass } from "../lib/audit/log/sequencer";
import { openTiles, TILE_WIDTH, type Tile } from "../lib/audit/log/tiles";
import type { Db } from "../lib/db/client";
import { auditCheckpoints, auditEvents, auditLogKeys, auditLogState, auditLogTiles } from "../lib/db/schema";
import { IncrementalTree } from "../sdk/audit/tree";
import { BENCH_ORIGIN, benchEvent, TileBuilder } from "./audit-bundle";

export const seqOf = (leaf: number) => leaf + 1 + 2 * Math.floor(leaf / 1000);
const standIn = (leaf: number) => hash("sha256", `bench ${leaf}`, "hex");
const T0 = Date.UTC(2026, 0, 1);
const CHECKPOINT_EVERY = 10_000;
/** Leaves appended by the real sequencer: past the first level-1 tile, so it crosses every kind of tile edge. */
const SEQUENCED = 70_000;

export type ProvedEvent = { leaf: number; id: string; seq: number; hash: string };
export type LogState = { size: number; root: Hash; signer: Signer; proved: ProvedEvent[]; checkedSizes: number[]; sequenced: number };

/** Full tiles, and tiles the sequencer left open, written as its writeTiles would (an upsert), 100 per statement. */
async function upsertTiles(db: Db, tiles: Tile[]) {
  for (let i = 0; i < tiles.length; i += 100) {
    await db
      .insert(auditLogTiles)
      .values(tiles.slice(i, i + 100))
      .onConflictDoUpdate({ target: [auditLogTiles.level, auditLogTiles.idx], set: { hashes: sql`excluded.hashes`, firstSeq: sql`excluded.first_seq`, seqs: sql`excluded.seqs` } });
  }
}

/** Fills the empty (migrated) database `db` with a log of `size` leaves; `prove` are the leaves given real events. */
export async function buildLogState(db: Db, size: number, prove: number[], opts: { eventRows: boolean; log?: (s: string) => void }): Promise<LogState> {
  const signer = generateSigner(BENCH_ORIGIN, Buffer.alloc(32, 9));
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const took = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

  // The real events first (each needs the hash before it), then every row.
  const real = new Map<number, typeof auditEvents.$inferInsert & { id: string; seq: number }>();
  const hashOf = (i: number) => (i < 0 ? GENESIS_HASH : (real.get(i)?.hash ?? standIn(i)));
  for (const leaf of [...new Set(prove)].sort((a, b) => a - b)) {
    const e = benchEvent(leaf, T0);
    const prevHash = hashOf(leaf - 1);
    real.set(leaf, { ...e, seq: seqOf(leaf), prevHash, hash: chainHash(prevHash, eventPayload(e)) });
  }
  await db.insert(auditEvents).values([...real.values()]);
  if (opts.eventRows) await insertStandInRows(db, size, real, log);

  // The real sequencer's part (it needs the rows), then the rest from its open tiles.
  let sequenced = 0;
  if (opts.eventRows) {
    while (sequenced < Math.min(SEQUENCED, size)) {
      const r = await sequencePass(db, Math.min(10_000, SEQUENCED - sequenced));
      if (r.busy || r.broken || r.appended === 0) throw new Error(`the sequencer stopped at ${sequenced} leaves: ${JSON.stringify(r)}`);
      sequenced = r.size;
    }
    log(`  ${sequenced.toLocaleString("en-US")} leaves appended by the sequencer, ${took()}`);
  }
  const builder = new TileBuilder(sequenced, await readTiles(db, openTiles(sequenced)));
  const streamed = new IncrementalTree();
  const roots = new Map<number, Hash>();
  let batch: { hash: Hash; seq: number }[] = [];
  let writing: Promise<void> = Promise.resolve();
  for (let i = 0; i < size; i++) {
    const leaf = leafHash(Buffer.from(hashOf(i), "hex"));
    streamed.push(leaf);
    if (streamed.size % CHECKPOINT_EVERY === 0 || streamed.size === size) roots.set(streamed.size, streamed.root());
    if (i < sequenced) continue;
    batch.push({ hash: leaf, seq: seqOf(i) });
    if (batch.length === TILE_WIDTH * TILE_WIDTH || i === size - 1) {
      const full = builder.append(batch);
      batch = [];
      // One write in flight while the next leaves are hashed: Postgres has the other core.
      await writing;
      writing = upsertTiles(db, full);
      if ((i + 1) % (TILE_WIDTH * TILE_WIDTH * 32) === 0) log(`  ${(i + 1).toLocaleString("en-US")} leaves, ${took()}`);
    }
  }
  await writing;
  await upsertTiles(db, builder.partial());
  await db.update(auditLogState).set({ size, lastSeq: seqOf(size - 1), lastHash: hashOf(size - 1) }).where(sql`id = 1`);

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
  const proved = [...real].map(([leaf, e]) => ({ leaf, id: e.id, seq: e.seq, hash: e.hash }));
  return { size, root: roots.get(size)!, signer, proved, checkedSizes: sizes, sequenced };
}

/**
 * audit_events rows for every leaf not proved, generated in Postgres: seq and hash as the leaf
 * has them (the stand-in hash, SHA-256 of "bench <leaf>"), prev_hash the hash of the row before
 * (a real event's where there is one: the chain links hold throughout, as the sequencer checks),
 * fields like a decision's. A million rows per statement.
 */
export async function insertStandInRows(db: Db, size: number, real: Map<number, { hash: string }>, log: (s: string) => void) {
  const t0 = performance.now();
  const skip = `{${[...real.keys()].join(",")}}`;
  const realHash = JSON.stringify(Object.fromEntries([...real].map(([leaf, e]) => [leaf, e.hash])));
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
             case when i = 0 then ${GENESIS_HASH}
                  else coalesce(${realHash}::jsonb ->> (i - 1)::text, encode(sha256(convert_to('bench ' || (i - 1), 'UTF8')), 'hex')) end,
             encode(sha256(convert_to('bench ' || i, 'UTF8')), 'hex')
      from generate_series(${from}::bigint, ${to}::bigint) i
      where i <> all (${skip}::bigint[])`);
    log(`  audit_events: ${(to + 1).toLocaleString("en-US")} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}
