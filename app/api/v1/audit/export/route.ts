import { parseWith } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { GENESIS_HASH } from "@/lib/audit/chain";
import { exportFilters, exportFormatSchema, startAuditExport } from "@/lib/audit/export";
import { getDb } from "@/lib/runtime";

/**
 * GET /api/v1/audit/export?format=csv|json&<the list's filters> — the matching events up to the
 * chain head at the start, oldest first, streamed as a download with a SHA-256 of its content at
 * the end (formats: lib/audit/export-format.ts). Bad filters are a 400 before anything streams.
 */
export const GET = withPerson(
  async ({ req, person, meta }) => {
    const params = Object.fromEntries(new URL(req.url).searchParams);
    const { format } = parseWith(exportFormatSchema, params);
    const filters = exportFilters(params);
    const ex = await startAuditExport(await getDb(), { format, filters, person, meta });
    return new Response(ex.stream, {
      headers: {
        "content-type": ex.contentType,
        "content-disposition": `attachment; filename="${ex.filename}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-request-id": meta.requestId,
        // As on report exports (docs/report-exports.md): `<seq>:<hash>` of the head the file stops at.
        "x-warden-chain-head": ex.chainHead ? `${ex.chainHead.seq}:${ex.chainHead.hash}` : `0:${GENESIS_HASH}`,
      },
    });
  },
  { can: "readAudit" },
);
