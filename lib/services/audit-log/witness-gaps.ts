import { and, eq, ne } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import type { Db, Executor } from "@/lib/db/client";
import { findings } from "@/lib/db/schema";
import { raiseFinding } from "../findings/raise";

// A witness that checkpoints do not reach is a gap in what is witnessed. Its start and its end
// are audit events (the gap record in the log itself) and, meanwhile, an open finding; the
// checkpointer retries every tick, so one failure is one event, not one per tick.

const BY = "audit log checkpointer";

export type WitnessPlace = { kind: "folder" | "http"; id: string };

const keyOf = (w: WitnessPlace) => `audit-log:witness:${w.id}`;
const label = (w: WitnessPlace) => (w.kind === "folder" ? `the witness folder ${w.id}` : `the witness ${w.id}`);

async function openGap(tx: Executor, w: WitnessPlace) {
  const [f] = await tx
    .select({ id: findings.id, detail: findings.detail, firstSeenAt: findings.firstSeenAt })
    .from(findings)
    .where(and(eq(findings.dedupeKey, keyOf(w)), ne(findings.status, "resolved")));
  return f ?? null;
}

/** The checkpoint of `size` did not reach the witness: opens the gap, or keeps it open. */
export async function witnessDown(db: Db, now: Date, w: WitnessPlace, size: number, error: string): Promise<void> {
  await db.transaction(async (tx) => {
    const open = await openGap(tx, w);
    const firstMissed = Number((open?.detail as { firstMissedSize?: number } | null)?.firstMissedSize ?? size);
    if (!open) {
      await recordAudit(tx, { actor: { kind: "system", label: BY }, action: "audit.witness_unreachable", detail: { witness: w.id, kind: w.kind, size, error } });
    }
    await raiseFinding(
      tx,
      {
        kind: "audit_witness_unreachable",
        severity: "high",
        title: w.kind === "folder" ? `Checkpoints are not reaching the witness folder ${w.id}` : `Checkpoints are not being cosigned by the witness ${w.id}`,
        key: keyOf(w),
        detail: { witness: w.id, kind: w.kind, firstMissedSize: firstMissed, size, error },
      },
      now,
      BY,
    );
  });
}

/** The checkpoint of `size` reached the witness: closes an open gap (it covers what was missed). */
export async function witnessUp(db: Db, now: Date, w: WitnessPlace, size: number): Promise<void> {
  if (!(await openGap(db, w))) return;
  await db.transaction(async (tx) => {
    const open = await openGap(tx, w);
    if (!open) return;
    const firstMissed = (open.detail as { firstMissedSize?: number } | null)?.firstMissedSize ?? null;
    await tx
      .update(findings)
      .set({ status: "resolved", resolvedAt: now, updatedAt: now, resolutionNote: `Resolved by Warden: ${label(w)} holds the checkpoint at size ${size} again, which covers the ones it missed` })
      .where(eq(findings.id, open.id));
    await recordAudit(tx, { actor: { kind: "system", label: BY }, action: "finding.resolved", target: { kind: "finding", id: open.id }, detail: { kind: "audit_witness_unreachable", by: "system" } });
    await recordAudit(tx, {
      actor: { kind: "system", label: BY },
      action: "audit.witness_caught_up",
      detail: { witness: w.id, kind: w.kind, firstMissedSize: firstMissed, size, since: open.firstSeenAt.toISOString() },
    });
  });
}
