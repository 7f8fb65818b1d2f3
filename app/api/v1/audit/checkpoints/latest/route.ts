import { auditLogOf } from "@/lib/api/audit-log";
import { withPerson } from "@/lib/api/with-person";
import { getRuntime } from "@/lib/runtime";
import { auditLogStatus } from "@/lib/services/audit-log/status";

/**
 * GET /api/v1/audit/checkpoints/latest — the latest signed checkpoint, the key that signed it
 * (and whether this server trusts that key), where it is witnessed and what is not, and how far
 * behind the log it is.
 */
export const GET = withPerson(async () => auditLogStatus(await auditLogOf(await getRuntime())), { can: "readAudit" });
