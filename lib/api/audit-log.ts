import type { Runtime } from "@/lib/runtime";
import { openAuditLog, type AuditLog } from "@/lib/services/audit-log/open";
import { openWitness, type Witness } from "@/lib/services/witness/add-checkpoint";

/**
 * The process's audit log configuration (signing key, witness folder), loaded once per runtime:
 * the background checkpointer, report exports and the audit routes share it.
 */
export function auditLogOf(rt: Runtime): Promise<AuditLog> {
  return rt.memo("audit-log", () => openAuditLog(rt.db, rt.clock));
}

/** This process as a witness for other logs (its key and the logs it trusts), loaded once. */
export function witnessOf(rt: Runtime): Promise<Witness> {
  return rt.memo("witness", async () => openWitness(rt.db, rt.clock));
}
