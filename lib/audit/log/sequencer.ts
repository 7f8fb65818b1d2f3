import type { Db } from "@/lib/db/client";
import { batchTransaction } from "@/lib/db/raw";
import { readTilesStatement, tilesFromRows, writeTilesStatement } from "./store";
import { appendLeaves, openTiles, tileKey, type Tile } from "./tiles";

export const SEQUENCE_BATCH = 10_000;

export type ChainGap = { seq: number; id: string; expected: string; found: string };

export type SequenceResult =
  /** Another sequencer (instance) holds the state row: nothing was done. */
  | { busy: true }
  | { busy: false; appended: number; size: number; lastSeq: number; broken: ChainGap | null };

/**
 * The open (partial) tiles as this process last wrote them, per database, with the tree they
 * belong to. A pass that finds the state row at that size and last hash starts from them instead
 * of reading them back: they are what it committed. Anything else (another instance sequenced,
 * a restore, a failed commit, which never updates this) reads them from the database.
 */
type OpenState = { size: number; lastHash: string; tiles: Map<string, Tile> };
const openByDb = new WeakMap<Db, OpenState>();

/** The open tiles of the tree after a pass: the ones it wrote, else the ones it started from. */
function openAfter(size: number, before: ReadonlyMap<string, Tile>, written: readonly Tile[]): Map<string, Tile> | null {
  const byKey = new Map(written.map((t) => [tileKey(t), t]));
  const out = new Map<string, Tile>();
  for (const ref of openTiles(size)) {
    const k = tileKey(ref);
    const t = byKey.get(k) ?? before.get(k);
    if (!t) return null;
    out.set(k, t);
  }
  return out;
}

type NextLeaves = {
  leaves: string | null;
  seqs: string | null;
  last_hash: string | null;
  broken_seq: string | null;
  broken_id: string | null;
  broken_expected: string | null;
  broken_found: string | null;
};

/**
 * The next events after the state row's last_seq, up to the first that does not link to the
 * one before it (or whose hash is not a SHA-256 in hex, which only a hand edit makes), as one
 * row: their leaf hashes (RFC 6962: SHA-256 of 0x00 || the event's chain hash) side by side in
 * hex, their seqs, the last one's chain hash, and where and how the chain broke. Postgres hashes
 * and aggregates in C what this process would otherwise parse row by row and hash in JS: a row
 * object and two 64-character strings per event, on the cores that answer decisions.
 */
function nextLeavesSql(limit: number): string {
  return `with e as (
      select seq, hash, prev_hash,
             lag(hash, 1, (select last_hash from audit_log_state where id = 1)) over (order by seq) as expected
      from (select seq, hash, prev_hash from audit_events
            where seq > (select last_seq from audit_log_state where id = 1) order by seq limit ${limit}) t
    ),
    cut as (select min(seq) as at from e where prev_hash is distinct from expected or hash !~ '^[0-9a-fA-F]{64}$'),
    ok as (select seq, hash from e where seq < coalesce((select at from cut), 9223372036854775807))
    select
      (select at::text from cut) as broken_seq,
      (select a.id::text from audit_events a where a.seq = (select at from cut)) as broken_id,
      (select case when prev_hash is distinct from expected then expected else 'a SHA-256 in 64 hex digits' end from e where seq = (select at from cut)) as broken_expected,
      (select case when prev_hash is distinct from expected then prev_hash else hash end from e where seq = (select at from cut)) as broken_found,
      (select hash from ok order by seq desc limit 1) as last_hash,
      string_agg(encode(sha256('\\x00'::bytea || decode(hash, 'hex')), 'hex'), '' order by seq) as leaves,
      string_agg(seq::text, ',' order by seq) as seqs
    from ok`;
}

/**
 * One pass of the sequencer (docs/audit-log.md): in one transaction, takes the state row (skip
 * locked: another instance is at it), appends the next events in seq order as leaves, and
 * advances the state. Only the chain columns are read; an event whose prev_hash is not the hash
 * before it stops the pass there, so a broken chain is never sealed into the tree. Off the
 * decision path: its only contact with the writers is reading committed rows. It runs on the
 * same cores as decisions, so it is hand-written SQL in two round trips (read; write and
 * commit) through batchTransaction, not the query builder, keeps its open tiles between passes
 * and writes the changed tiles in one statement (bench/audit-sequencer.ts measures it).
 * `wait`: wait for the state row instead of skipping (a checkpoint that must cover what is committed).
 */
export async function sequencePass(db: Db, limit = SEQUENCE_BATCH, wait = false): Promise<SequenceResult> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let next: OpenState | null = null;
  const result = await batchTransaction(db, async (run): Promise<SequenceResult> => {
    // The second statement reads the state again rather than waiting a round trip for the first
    // one's answer: it runs after the lock in the same transaction, so it sees the locked row.
    // When the lock was skipped its answer is not used.
    const [stateRows, [found]] = (await run([
      { text: `select size::text as size, last_seq::text as last_seq, last_hash from audit_log_state where id = 1 for update${wait ? "" : " skip locked"}` },
      { text: nextLeavesSql(limit) },
    ])) as [{ size: string; last_seq: string; last_hash: string }[], NextLeaves[]];
    const row = stateRows[0];
    if (!row) return { busy: true };
    const state = { size: Number(row.size), lastSeq: Number(row.last_seq), lastHash: row.last_hash };
    const broken: ChainGap | null = found.broken_seq === null ? null : { seq: Number(found.broken_seq), id: found.broken_id!, expected: found.broken_expected!, found: found.broken_found! };
    const seqs = found.seqs ? found.seqs.split(",").map(Number) : [];
    const hashes = Buffer.from(found.leaves ?? "", "hex");
    if (hashes.length !== seqs.length * 32) throw new Error(`sequencer: ${hashes.length} bytes of leaves for ${seqs.length} events`);
    const prev = found.last_hash ?? state.lastHash;
    const base = { busy: false as const, broken, size: state.size, lastSeq: state.lastSeq, appended: 0 };
    if (seqs.length === 0) return base;
    const cached = openByDb.get(db);
    const open =
      cached && cached.size === state.size && cached.lastHash === state.lastHash ? cached.tiles : tilesFromRows((await run([readTilesStatement(openTiles(state.size))]))[0]);
    const written = appendLeaves(state.size, open, { hashes: hashes.subarray(0, seqs.length * 32), seqs });
    const size = state.size + seqs.length;
    const lastSeq = seqs[seqs.length - 1];
    await run(
      [
        writeTilesStatement(written),
        { text: "update audit_log_state set size = $1::bigint, last_seq = $2::bigint, last_hash = $3, updated_at = now() where id = 1", params: [String(size), String(lastSeq), prev] },
      ],
      { commit: true },
    );
    const tiles = openAfter(size, open, written);
    next = tiles && { size, lastHash: prev, tiles };
    return { ...base, appended: seqs.length, size, lastSeq };
  });
  // Only once committed: a pass that rolled back leaves the tree where the database has it.
  if (next) openByDb.set(db, next);
  return result;
}
