import { count, eq, gt } from "drizzle-orm";
import { newestCheckpoint, trustedKeys, type AuditLog } from "@/lib/audit/log/checkpointer";
import { trustedCheckpoint } from "@/lib/audit/log/trusted";
import { newestWitnessed } from "@/lib/audit/log/witness-folder";
import { lastCosigned } from "./witness";
import { auditEvents, auditLogState } from "@/lib/db/schema";

export type AuditLogStatus = {
  origin: string;
  /** The key this server signs with now. */
  keyId: string;
  latest: {
    size: number;
    root: string;
    createdAt: string;
    keyId: string;
    /** Whether a trusted key (this server's, or one kept in the witness folder) signed it. */
    trusted: boolean;
    problem: string | null;
  } | null;
  tree: { size: number; lastSeq: number };
  /** Events written since the latest checkpoint, and its age in seconds. */
  lag: { events: number; seconds: number | null };
  witness: {
    folder: string | null;
    newestSize: number | null;
    /** HTTP witnesses (c2sp.org/tlog-witness): the newest size each cosigned, and when. */
    http: { url: string; name: string; keyId: string; cosignedSize: number | null; cosignedAt: string | null }[];
  };
  /** What is not covered, in words, for the Audit page (empty when all is well). */
  gaps: string[];
};

/** How far the verifiable log goes: the latest checkpoint, who signed it, where it is witnessed. */
export async function auditLogStatus(log: AuditLog): Promise<AuditLogStatus> {
  const { db, signer, witnessDir } = log;
  const [state] = await db.select().from(auditLogState).where(eq(auditLogState.id, 1));
  const tree = { size: state?.size ?? 0, lastSeq: state?.lastSeq ?? 0 };
  const [{ n: unsequenced }] = await db.select({ n: count() }).from(auditEvents).where(gt(auditEvents.seq, tree.lastSeq));
  const cp = await newestCheckpoint(db);
  const t = cp ? trustedCheckpoint(cp.note, trustedKeys(log), signer.name) : null;
  // A stored note whose root or size differ from its row is as bad as a foreign signature.
  const mismatch = cp && t?.ok && (t.checkpoint.size !== cp.size || !t.checkpoint.root.equals(cp.root));
  const problem = !t ? null : !t.ok ? t.problem : mismatch ? "the note does not match its stored size and root" : null;
  let witnessed: number | null = null;
  const gaps: string[] = [];
  try {
    witnessed = witnessDir ? (newestWitnessed(witnessDir)?.size ?? null) : null;
  } catch (err) {
    gaps.push(`The witness folder ${witnessDir} cannot be read: ${(err as Error).message}`);
  }
  const http = [];
  for (const w of log.witnesses) {
    const last = await lastCosigned(db, w);
    http.push({ url: w.url, name: w.verifier.name, keyId: w.verifier.keyId, cosignedSize: last?.size ?? null, cosignedAt: last?.cosignedAt.toISOString() ?? null });
    if (cp && last?.size !== cp.size) gaps.push(`The witness ${w.url} has cosigned ${last ? `up to ${last.size}` : "no checkpoint"}, not the latest (${cp.size}).`);
  }
  if (!witnessDir && http.length === 0) gaps.push("No witness is configured (WARDEN_WITNESS_DIR or WARDEN_WITNESS_URL): checkpoints are kept only in this database, which can be restored from an older backup unnoticed.");
  else if (witnessDir && cp && witnessed !== cp.size) gaps.push(`The witness folder's newest checkpoint is ${witnessed ?? "none"}, not the latest (${cp.size}).`);
  if (!cp) gaps.push("No checkpoint has been signed yet.");
  if (problem) gaps.push(`The latest checkpoint is not trusted: ${problem}.`);
  const now = log.clock.now();
  return {
    origin: signer.name,
    keyId: signer.keyId,
    latest: cp && { size: cp.size, root: cp.root.toString("base64"), createdAt: cp.createdAt.toISOString(), keyId: cp.keyId, trusted: problem === null, problem },
    tree,
    lag: { events: tree.size - (cp?.size ?? 0) + Number(unsequenced), seconds: cp ? Math.max(0, Math.round((now - cp.createdAt.getTime()) / 1000)) : null },
    witness: { folder: witnessDir, newestSize: witnessed, http },
    gaps,
  };
}
