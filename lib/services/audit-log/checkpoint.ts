import { backgroundFailure } from "@/lib/db/faults";
import { checkpoint, type AuditLog, type CheckpointResult, type StoredCheckpoint } from "@/lib/audit/log/checkpointer";
import { raiseFinding } from "../findings/raise";
import { runSequencer } from "./sequence";
import { witnessDown, witnessUp } from "./witness-gaps";
import { submitToWitness, type WitnessOutcome } from "./witness";

const BY = "audit log checkpointer";

export type CheckpointRun = CheckpointResult & { witnesses: { url: string; outcome: WitnessOutcome }[] };

/**
 * A checkpoint now (report exports, the timer): sequences what is committed, then signs the tree
 * if it grew, then brings every witness up to the newest checkpoint. A tree that does not extend
 * the last signed or witnessed one is refused and raises the critical finding
 * audit_log_rolled_back; a witness that cannot be reached blocks nothing: the start of the gap is
 * an audit event and a finding, and when a later checkpoint reaches it the gap's end is an audit
 * event and the finding resolves (docs/audit-log.md § Witnesses).
 */
export async function checkpointNow(log: AuditLog): Promise<CheckpointRun> {
  const now = new Date(log.clock.now());
  await runSequencer(log.db, now, { wait: true });
  const r = await checkpoint(log);
  if (r.kind === "rolled_back") {
    await rolledBack(log, now, r.reference.size, r.reference.source, r.treeSize, r.problem);
    return { ...r, witnesses: [] };
  }
  if (log.witnessDir && r.kind === "signed") {
    const where = { kind: "folder" as const, id: log.witnessDir };
    if (r.witnessError) await witnessDown(log.db, now, where, r.checkpoint.size, r.witnessError);
    else await witnessUp(log.db, now, where, r.checkpoint.size);
  }
  // Also when nothing new was signed: a witness that missed the last checkpoint catches up.
  const witnesses = r.checkpoint ? await bringWitnessesUp(log, now, r.checkpoint) : [];
  return { ...r, witnesses };
}

async function bringWitnessesUp(log: AuditLog, now: Date, cp: StoredCheckpoint) {
  const out: CheckpointRun["witnesses"] = [];
  for (const w of log.witnesses) {
    const outcome = await submitToWitness(log, w, cp).catch((err): WitnessOutcome => ({ kind: "unreachable", error: (err as Error).message }));
    out.push({ url: w.url, outcome });
    const where = { kind: "http" as const, id: w.url };
    if (outcome.kind === "cosigned") await witnessUp(log.db, now, where, cp.size);
    else if (outcome.kind === "unreachable" || outcome.kind === "refused") await witnessDown(log.db, now, where, cp.size, outcome.error);
    else if (outcome.kind === "inconsistent") {
      const problem = `the witness ${w.url} ${outcome.error}`;
      await rolledBack(log, now, outcome.witnessSize ?? cp.size, w.url, cp.size, problem);
    }
  }
  return out;
}

async function rolledBack(log: AuditLog, now: Date, referenceSize: number, source: string, treeSize: number, problem: string) {
  const finding = {
    kind: "audit_log_rolled_back",
    severity: "critical" as const,
    title: `The audit log was rolled back or rewritten: ${problem}`,
    key: `audit-log:rolled-back:${referenceSize}`,
    detail: { treeSize, checkpointSize: referenceSize, checkpointSource: source, problem },
  };
  await log.db.transaction((tx) => raiseFinding(tx, finding, now, BY));
}

/**
 * Checkpoints in the background, every WARDEN_CHECKPOINT_SECONDS (default 10) when the tree
 * grew (checkpoint() signs nothing when it did not). Returns its stop function.
 */
export function startCheckpointer(log: AuditLog, seconds = Number(process.env.WARDEN_CHECKPOINT_SECONDS ?? 10), onOutage?: (err: unknown) => void): () => void {
  if (!(seconds > 0)) return () => {};
  let running = false;
  const every = setInterval(() => {
    if (running) return;
    running = true;
    checkpointNow(log)
      .catch(backgroundFailure("audit checkpoint", onOutage))
      .finally(() => (running = false));
  }, seconds * 1000);
  every.unref?.();
  return () => clearInterval(every);
}
