import type { AuditLog } from "@/lib/audit/log/checkpointer";
import { registerKey } from "@/lib/audit/log/checkpointer";
import { loadSigningKey } from "@/lib/audit/log/signing-key";
import type { Clock } from "@/lib/clock";
import type { Db } from "@/lib/db/client";

export type { AuditLog } from "@/lib/audit/log/checkpointer";

/**
 * The audit log's configuration for this process: the signing key (loaded or generated, see
 * loadSigningKey), the witness folder (WARDEN_WITNESS_DIR, none by default: the status then says
 * that nothing is witnessed), and the key's public half recorded for the console.
 */
export async function openAuditLog(db: Db, clock: Clock, env: Record<string, string | undefined> = process.env): Promise<AuditLog> {
  const signer = loadSigningKey(env);
  await registerKey(db, signer);
  return { db, signer, witnessDir: env.WARDEN_WITNESS_DIR || null, clock };
}
