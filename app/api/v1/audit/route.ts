import { readQuery } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { auditListSchema, listAudit } from "@/lib/db/queries/audit";

// The audit trail, newest first (filters: lib/db/queries/audit.ts). Read-only: the table is append-only.
export const GET = withPerson(async ({ req }) => listAudit(await getDb(), readQuery(req, auditListSchema)), {
  can: "readAudit",
});
