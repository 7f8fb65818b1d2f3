import { checkpoint, type AuditLog, type CheckpointResult } from "@/lib/audit/log/checkpointer";
import { recordAudit } from "@/lib/audit/record";
import { raiseFinding } from "../findings/raise";
import { runSequencer } from "./sequence";

const BY = "audit log checkpointer";

/**
 * A checkpoint now (report exports, the timer): sequences what is committed, then signs the tree
 * if it grew. A tree that does not extend the last signed or witnessed one is refused and raises
 * the critical finding audit_log_rolled_back; a witness copy that could not be written is an
 * audit event and a finding, and blocks nothing (the next checkpoint's copy catches up).
 */
export async function checkpointNow(log: AuditLog): Promise<CheckpointResult> {
  const now = new Date(log.clock.now());
  await runSequencer(log.db, now, { wait: true });
  const r = await checkpoint(log);
  if (r.kind === "rolled_back") {
    const finding = {
      kind: "audit_log_rolled_back",
      severity: "critical" as const,
      title: `The audit log was rolled back or rewritten: ${r.problem}`,
      key: `audit-log:rolled-back:${r.reference.size}`,
      detail: { treeSize: r.treeSize, checkpointSize: r.reference.size, checkpointSource: r.reference.source, problem: r.problem },
    };
    await log.db.transaction((tx) => raiseFinding(tx, finding, now, BY));
  } else if (r.kind === "signed" && r.witnessError) {
    await log.db.transaction(async (tx) => {
      await recordAudit(tx, {
        actor: { kind: "system", label: BY },
        action: "audit.witness_unreachable",
        detail: { witness: log.witnessDir, size: r.checkpoint.size, error: r.witnessError },
      });
      await raiseFinding(
        tx,
        {
          kind: "audit_witness_unreachable",
          severity: "high",
          title: `Checkpoints are not reaching the witness folder ${log.witnessDir}`,
          key: `audit-log:witness:${log.witnessDir}`,
          detail: { witness: log.witnessDir, size: r.checkpoint.size, error: r.witnessError },
        },
        now,
        BY,
      );
    });
  }
  return r;
}

/**
 * Checkpoints in the background, every WARDEN_CHECKPOINT_SECONDS (default 10) when the tree
 * grew (checkpoint() signs nothing when it did not). Returns its stop function.
 */
export function startCheckpointer(log: AuditLog, seconds = Number(process.env.WARDEN_CHECKPOINT_SECONDS ?? 10)): () => void {
  if (!(seconds > 0)) return () => {};
  let running = false;
  const every = setInterval(() => {
    if (running) return;
    running = true;
    checkpointNow(log)
      .catch((err) => console.error("[warden] audit checkpoint failed:", (err as Error).message))
      .finally(() => (running = false));
  }, seconds * 1000);
  every.unref?.();
  return () => clearInterval(every);
}
