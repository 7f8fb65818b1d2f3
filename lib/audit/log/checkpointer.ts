import { desc, eq } from "drizzle-orm";
import type { Clock } from "@/lib/clock";
import type { Db, Executor } from "@/lib/db/client";
import { auditCheckpoints, auditLogKeys, auditLogState } from "@/lib/db/schema";
import { recordAudit } from "../record";
import { rootHash } from "./merkle";
import { checkpointText, parseCheckpoint, parseNote, signNote, type Signer, type Verifier } from "./note";
import { overTiles } from "./store";
import { trustedCheckpoint } from "./trusted";
import { newestWitnessed, witnessKeys, writeWitnessCopy } from "./witness-folder";

/** An HTTP witness (c2sp.org/tlog-witness): its submission prefix and its cosignature key. */
export type HttpWitness = { url: string; verifier: Verifier };

/** What the checkpointer needs: the database, the signing key, where witness copies go, a clock. */
export type AuditLog = { db: Db; signer: Signer; witnessDir: string | null; witnesses: HttpWitness[]; clock: Clock };

export type StoredCheckpoint = typeof auditCheckpoints.$inferSelect;

export type CheckpointResult =
  | { kind: "signed"; checkpoint: StoredCheckpoint; witnessError: string | null }
  | { kind: "unchanged"; checkpoint: StoredCheckpoint | null }
  /** The tree does not extend a checkpoint already signed: nothing was signed. */
  | { kind: "rolled_back"; reference: { size: number; source: string }; treeSize: number; problem: string };

/** The keys a checkpoint may be signed by: this server's, and those kept in the witness folder. */
export function trustedKeys(log: Pick<AuditLog, "signer" | "witnessDir">): Verifier[] {
  return [log.signer, ...(log.witnessDir ? witnessKeys(log.witnessDir) : [])];
}

/** Records the signing key's verifier (public) for the console; the private half never goes in. */
export async function registerKey(db: Executor, signer: Verifier): Promise<void> {
  await db.insert(auditLogKeys).values({ keyId: signer.keyId, verifier: signer.text }).onConflictDoNothing();
}

/** The origin a stored note names, or null when it is not a checkpoint note at all. */
function originOf(note: string): string | null {
  try {
    return parseCheckpoint(parseNote(note).text).origin;
  } catch {
    return null;
  }
}

export const newestCheckpoint = async (db: Executor) =>
  (await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.size)).limit(1))[0] ?? null;

/**
 * Signs the tree's current size and root when it grew (docs/audit-log.md § Checkpoints). First
 * it requires the tree to extend the newest checkpoint stored and the newest witnessed outside
 * the database: a smaller tree, or one whose root at that size differs, was rolled back or
 * rewritten, and signing it would bless the rewrite. The state row is locked meanwhile, so the
 * tree cannot grow between the check and the signature.
 */
export async function checkpoint(log: AuditLog): Promise<CheckpointResult> {
  let folderError: string | null = null;
  const result = await log.db.transaction(async (tx): Promise<CheckpointResult> => {
    const [state] = await tx.select().from(auditLogState).where(eq(auditLogState.id, 1)).for("update");
    const size = state?.size ?? 0;
    const stored = await newestCheckpoint(tx);
    if (stored && stored.size === size) return { kind: "unchanged", checkpoint: stored };
    const refs: { size: number; root: Buffer; source: string }[] = [];
    if (stored) refs.push({ size: stored.size, root: stored.root, source: "the newest stored checkpoint" });
    // A folder that cannot be read (unmounted, replaced by a file) is a witness not reached: it
    // must not stop the signing, and the stored checkpoint is still checked above.
    let witnessed = null;
    try {
      witnessed = log.witnessDir ? newestWitnessed(log.witnessDir) : null;
    } catch (err) {
      folderError = `cannot read it: ${(err as Error).message}`;
    }
    if (witnessed) {
      const t = trustedCheckpoint(witnessed.note, trustedKeys(log), log.signer.name);
      if (!t.ok) return { kind: "rolled_back", reference: { size: witnessed.size, source: witnessed.file }, treeSize: size, problem: `the witness copy is ${t.problem}` };
      refs.push({ size: t.checkpoint.size, root: t.checkpoint.root, source: witnessed.file });
    }
    for (const r of refs) {
      if (r.size > size) return { kind: "rolled_back", reference: r, treeSize: size, problem: `the tree holds ${size} events, fewer than the ${r.size} of ${r.source}` };
      const root = await overTiles(tx, (tree) => rootHash(tree, r.size));
      if (!root.equals(r.root)) return { kind: "rolled_back", reference: r, treeSize: size, problem: `the tree's first ${r.size} events are not the ones ${r.source} signed` };
    }
    if (size === 0) return { kind: "unchanged", checkpoint: null };
    const root = await overTiles(tx, (tree) => rootHash(tree, size));
    const now = new Date(log.clock.now());
    const text = checkpointText({ origin: log.signer.name, size, root, extensions: [`time ${Math.floor(now.getTime() / 1000)}`] });
    await registerKey(tx, log.signer);
    const [row] = await tx.insert(auditCheckpoints).values({ size, root, note: signNote(text, [log.signer]), keyId: log.signer.keyId, createdAt: now }).returning();
    // The first checkpoint under a new origin (how a restore from a backup starts again, README
    // "Backup and restore") is said in the trail itself, in the same transaction as the checkpoint.
    const before = stored && originOf(stored.note);
    if (stored && before !== log.signer.name) {
      await recordAudit(tx, {
        actor: { kind: "system", label: "audit log checkpointer" },
        action: "audit.origin_changed",
        occurredAt: now,
        detail: { previousOrigin: before, previousSize: stored.size, previousKeyId: stored.keyId, origin: log.signer.name, size, keyId: log.signer.keyId },
      });
    }
    return { kind: "signed", checkpoint: row, witnessError: null };
  });
  if (result.kind !== "signed" || !log.witnessDir) return result;
  // After the commit: a copy of a checkpoint that was never stored would be a witness to nothing.
  try {
    writeWitnessCopy(log.witnessDir, result.checkpoint.size, result.checkpoint.note, log.signer);
  } catch (err) {
    return { ...result, witnessError: (err as Error).message };
  }
  return folderError ? { ...result, witnessError: folderError } : result;
}
