import { eq } from "drizzle-orm";
import { inclusionProof, leafHash } from "@/lib/audit/log/merkle";
import { leafIndexOf, overTiles } from "@/lib/audit/log/store";
import { newestCheckpoint } from "@/lib/audit/log/checkpointer";
import type { Executor } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { DomainError, notFound } from "@/lib/errors";

export type EventProof = { leafIndex: number; treeSize: number; checkpoint: string; leafHash: string; proof: string[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The inclusion proof of an audit event against the newest signed checkpoint (which covers it
 * whenever any does: checkpoints only grow). Base64 hashes, as in the checkpoint note, so that
 * `verifyInclusion(leafHash, leafIndex, treeSize, proof, root of checkpoint)` holds.
 */
export async function eventProof(db: Executor, eventId: string): Promise<EventProof> {
  if (!UUID.test(eventId)) throw notFound("Audit event");
  const [event] = await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.id, eventId));
  if (!event) throw notFound("Audit event");
  const index = await leafIndexOf(db, event.seq);
  const cp = await newestCheckpoint(db);
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
