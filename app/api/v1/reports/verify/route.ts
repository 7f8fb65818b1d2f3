import { readJson } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { verifyExport, verifyExportSchema } from "@/lib/services/reports/verify";

/**
 * POST /api/v1/reports/verify { sha256 } — was a report export with exactly these bytes produced
 * by Warden? Answers { sha256, found, exports: [{ exportedAt, exportedBy, framework, format,
 * period, bytes, chainHead, auditEventId, seq }] }. Not finding it is an answer, not an error.
 */
export const POST = withPerson(
  async ({ req }) => {
    const { sha256 } = await readJson(req, verifyExportSchema, 1024);
    return verifyExport(await getDb(), sha256);
  },
  { can: "readReports" },
);
