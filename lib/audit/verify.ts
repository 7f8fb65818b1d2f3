import { asc, gt } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { GENESIS_HASH, verifyRun, type ChainBreak } from "./chain";

export type VerifyResult = { ok: true; events: number; head: string } | { ok: false; events: number; break: ChainBreak };

/** Walks the whole chain in seq order, in batches, and reports the first broken link. */
export async function verifyAuditChain(db: Executor, batchSize = 5000): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let lastSeq = 0;
  let count = 0;
  for (;;) {
    const batch = await db.select().from(auditEvents).where(gt(auditEvents.seq, lastSeq)).orderBy(asc(auditEvents.seq)).limit(batchSize);
    if (batch.length === 0) return { ok: true, events: count, head: prev };
    const r = verifyRun(prev, batch);
    // `events` = how many verified before the break, across batches.
    if (!r.ok) return { ok: false, events: count + batch.findIndex((e) => e.seq === r.break.seq), break: r.break };
    prev = r.lastHash;
    count += batch.length;
    lastSeq = batch[batch.length - 1].seq;
  }
}
