import type { Runtime } from "@/lib/runtime";
import { openAuditLog, type AuditLog } from "@/lib/services/audit-log/open";

/**
 * The process's audit log configuration (signing key, witness folder), loaded once per runtime:
 * the background checkpointer, report exports and the audit routes share it.
 */
export function auditLogOf(rt: Runtime): Promise<AuditLog> {
  return rt.memo("audit-log", () => openAuditLog(rt.db, rt.clock));
}
