import { eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { rows } from "@/lib/db/client";
import { auditEvents, auditLogState } from "@/lib/db/schema";
import { leafHashHexInto } from "./merkle";
import { readTiles, writeTiles } from "./store";
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

/**
 * One pass of the sequencer (docs/audit-log.md): in one transaction, takes the state row (skip
 * locked: another instance is at it), appends the next events in seq order as leaves, and
 * advances the state. Only the chain columns are read; an event whose prev_hash is not the hash
 * before it stops the pass there, so a broken chain is never sealed into the tree. Off the
 * decision path: its only contact with the writers is reading committed rows. It runs on the
 * same cores as decisions, so it reads plain rows (not drizzle's mapped ones: a third of the
 * cost per event), keeps its open tiles between passes and writes the changed tiles in one
 * statement (bench/audit-sequencer.ts measures it).
 * `wait`: wait for the state row instead of skipping (a checkpoint that must cover what is committed).
 */
export async function sequencePass(db: Db, limit = SEQUENCE_BATCH, wait = false): Promise<SequenceResult> {
  let next: OpenState | null = null;
  const result = await db.transaction(async (tx) => {
    const [state] = await tx.select().from(auditLogState).where(eq(auditLogState.id, 1)).for("update", wait ? {} : { skipLocked: true });
    if (!state) return { busy: true as const };
    // Ordered by the column: `seq` in the select list is the driver's text for a bigint.
    const events = rows<{ seq: string | number; prev_hash: string; hash: string }>(
      await tx.execute(sql`select seq, prev_hash, hash from audit_events where seq > ${state.lastSeq} order by audit_events.seq limit ${limit}`),
    );
    let prev = state.lastHash;
    let broken: ChainGap | null = null;
    const hashes = Buffer.allocUnsafe(events.length * 32);
    const seqs: number[] = [];
    for (const e of events) {
      if (e.prev_hash !== prev) {
        const seq = Number(e.seq);
        const [{ id }] = await tx.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.seq, seq));
        broken = { seq, id, expected: prev, found: e.prev_hash };
        break;
      }
      leafHashHexInto(e.hash, hashes, seqs.length * 32);
      seqs.push(Number(e.seq));
      prev = e.hash;
    }
    const base = { busy: false as const, broken, size: state.size, lastSeq: state.lastSeq, appended: 0 };
    if (seqs.length === 0) return base;
    const cached = openByDb.get(db);
    const open = cached && cached.size === state.size && cached.lastHash === state.lastHash ? cached.tiles : await readTiles(tx, openTiles(state.size));
    const written = appendLeaves(state.size, open, { hashes: hashes.subarray(0, seqs.length * 32), seqs });
    await writeTiles(tx, written);
    const size = state.size + seqs.length;
    const lastSeq = seqs[seqs.length - 1];
    await tx.update(auditLogState).set({ size, lastSeq, lastHash: prev, updatedAt: new Date() }).where(eq(auditLogState.id, 1));
    const tiles = openAfter(size, open, written);
    next = tiles && { size, lastHash: prev, tiles };
    return { ...base, appended: seqs.length, size, lastSeq };
  });
  // Only once committed: a pass that rolled back leaves the tree where the database has it.
  if (next) openByDb.set(db, next);
  return result;
}
