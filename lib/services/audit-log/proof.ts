import { and, desc, eq, lte, sql } from "drizzle-orm";
import { inclusionProof, leafHash } from "@/lib/audit/log/merkle";
import { overTiles } from "@/lib/audit/log/store";
import { TILE_WIDTH } from "@/lib/audit/log/tiles";
import type { Executor } from "@/lib/db/client";
import { auditCheckpoints, auditEvents, auditLogTiles } from "@/lib/db/schema";
import { DomainError, notFound } from "@/lib/errors";

export type EventProof = { leafIndex: number; treeSize: number; checkpoint: string; leafHash: string; proof: string[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const count = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * The event, its leaf index and the newest checkpoint, in one statement (one snapshot, one round
 * trip): the leaf is found in the level-0 tile holding the event's seq (the greatest first_seq
 * ≤ seq, index audit_log_tiles_seq_idx), by its position in that tile's seqs, so the tile's 256
 * seqs never leave the database.
 */
async function eventInTree(db: Executor, eventId: string) {
  const leaf = db
    // The outer row's seq, spelled with its table (a bare "seq" would only resolve to it because the tiles have none).
    .select({ leaf: sql`${auditLogTiles.idx} * ${TILE_WIDTH} + array_position(${auditLogTiles.seqs}, ${auditEvents}.${sql.identifier(auditEvents.seq.name)}) - 1` })
    .from(auditLogTiles)
    .where(and(eq(auditLogTiles.level, 0), lte(auditLogTiles.firstSeq, auditEvents.seq)))
    .orderBy(desc(auditLogTiles.firstSeq))
    .limit(1);
  const newestSize = db.select({ size: auditCheckpoints.size }).from(auditCheckpoints).orderBy(desc(auditCheckpoints.size)).limit(1);
  const newestNote = db.select({ note: auditCheckpoints.note }).from(auditCheckpoints).orderBy(desc(auditCheckpoints.size)).limit(1);
  const [row] = await db
    .select({ hash: auditEvents.hash, leaf: sql<unknown>`(${leaf})`, size: sql<unknown>`(${newestSize})`, note: sql<string | null>`(${newestNote})` })
    .from(auditEvents)
    .where(eq(auditEvents.id, eventId));
  return row ? { hash: row.hash, index: count(row.leaf), checkpoint: row.note === null ? null : { size: count(row.size)!, note: row.note } } : null;
}

/**
 * The inclusion proof of an audit event against the newest signed checkpoint (which covers it
 * whenever any does: checkpoints only grow). Base64 hashes, as in the checkpoint note, so that
 * `verifyInclusion(leafHash, leafIndex, treeSize, proof, root of checkpoint)` holds. Two round
 * trips whatever the log's size: the event with its leaf and checkpoint, then the proof's tiles.
 */
export async function eventProof(db: Executor, eventId: string): Promise<EventProof> {
  if (!UUID.test(eventId)) throw notFound("Audit event");
  const event = await eventInTree(db, eventId);
  if (!event) throw notFound("Audit event");
  const { index, checkpoint: cp } = event;
  if (index === null || !cp || cp.size <= index) {
    throw new DomainError("not_yet_checkpointed", "The event is not yet covered by a signed checkpoint; ask again in a few seconds");
  }
  const proof = await overTiles(db, (tree) => inclusionProof(tree, index, cp.size));
  return {
    leafIndex: index,
    treeSize: cp.size,
    checkpoint: cp.note,
    leafHash: leafHash(Buffer.from(event.hash, "hex")).toString("base64"),
    proof: proof.map((p) => p.toString("base64")),
  };
}
