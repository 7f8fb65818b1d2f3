import { asc, eq, gt } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { auditEvents, auditLogState } from "@/lib/db/schema";
import { leafHash } from "./merkle";
import { readTiles, writeTiles } from "./store";
import { appendLeaves, openTiles } from "./tiles";

export const SEQUENCE_BATCH = 10_000;

export type ChainGap = { seq: number; id: string; expected: string; found: string };

export type SequenceResult =
  /** Another sequencer (instance) holds the state row: nothing was done. */
  | { busy: true }
  | { busy: false; appended: number; size: number; lastSeq: number; broken: ChainGap | null };

/**
 * One pass of the sequencer (docs/audit-log.md): in one transaction, takes the state row (skip
 * locked: another instance is at it), appends the next events in seq order as leaves, and
 * advances the state. Only the chain columns are read; an event whose prev_hash is not the hash
 * before it stops the pass there, so a broken chain is never sealed into the tree. Off the
 * decision path: its only contact with the writers is reading committed rows.
 */
/** `wait`: wait for the state row instead of skipping (a checkpoint that must cover what is committed). */
export async function sequencePass(db: Db, limit = SEQUENCE_BATCH, wait = false): Promise<SequenceResult> {
  return db.transaction(async (tx) => {
    const [state] = await tx.select().from(auditLogState).where(eq(auditLogState.id, 1)).for("update", wait ? {} : { skipLocked: true });
    if (!state) return { busy: true as const };
    const events = await tx
      .select({ seq: auditEvents.seq, id: auditEvents.id, prevHash: auditEvents.prevHash, hash: auditEvents.hash })
      .from(auditEvents)
      .where(gt(auditEvents.seq, state.lastSeq))
      .orderBy(asc(auditEvents.seq))
      .limit(limit);
    let prev = state.lastHash;
    let broken: ChainGap | null = null;
    const leaves: { hash: Buffer; seq: number }[] = [];
    for (const e of events) {
      if (e.prevHash !== prev) {
        broken = { seq: e.seq, id: e.id, expected: prev, found: e.prevHash };
        break;
      }
      leaves.push({ hash: leafHash(Buffer.from(e.hash, "hex")), seq: e.seq });
      prev = e.hash;
    }
    const base = { busy: false as const, broken, size: state.size, lastSeq: state.lastSeq, appended: 0 };
    if (leaves.length === 0) return base;
    const open = await readTiles(tx, openTiles(state.size));
    await writeTiles(tx, appendLeaves(state.size, open, leaves));
    const size = state.size + leaves.length;
    const lastSeq = leaves[leaves.length - 1].seq;
    await tx.update(auditLogState).set({ size, lastSeq, lastHash: prev, updatedAt: new Date() }).where(eq(auditLogState.id, 1));
    return { ...base, appended: leaves.length, size, lastSeq };
  });
}
