import { DomainError } from "@/lib/errors";
import { auditLogOf } from "@/lib/api/audit-log";
import { withPerson } from "@/lib/api/with-person";
import { getRuntime } from "@/lib/runtime";
import { EXPORT_FORMATS, isExportFormat } from "@/lib/reports/export";
import { frameworkParam, parseReportPeriod } from "@/lib/reports/period";
import { personCaller } from "@/lib/services/context";
import { exportReport } from "@/lib/services/reports/export";

/**
 * GET /api/v1/reports/{framework}/export?format=pdf|csv|json&from=&to= — the report as a file.
 * The SHA-256 of the exact bytes is in X-Content-SHA256 (hex) and Digest (base64), the audit
 * chain head in X-Warden-Chain-Head, the signed audit-log checkpoint covering it in
 * X-Warden-Checkpoint; the report.exported audit event holding the same hash is
 * committed before this answers (POST /api/v1/reports/verify finds it).
 */
export const GET = withPerson<{ framework: string }>(
  async ({ req, person, params, meta }) => {
    const framework = frameworkParam(params.framework);
    const query = new URL(req.url).searchParams;
    const format = query.get("format");
    if (!isExportFormat(format)) {
      throw new DomainError("validation_failed", `format: must be one of ${EXPORT_FORMATS.join(", ")}`, [{ path: "format", message: `must be one of ${EXPORT_FORMATS.join(", ")}` }]);
    }
    const period = parseReportPeriod(query);
    const rt = await getRuntime();
    const out = await exportReport(rt.db, personCaller(person, meta), { id: person.id, email: person.email }, framework, period, format, await auditLogOf(rt));
    return new Response(new Uint8Array(out.bytes), {
      status: 200,
      headers: {
        "content-type": out.contentType,
        "content-length": String(out.bytes.length),
        "content-disposition": `attachment; filename="${out.filename}"`,
        "cache-control": "no-store",
        "x-content-sha256": out.sha256,
        digest: `sha-256=${out.sha256Base64}`,
        "repr-digest": `sha-256=:${out.sha256Base64}:`,
        "x-warden-chain-head": `${out.chainHead.seq}:${out.chainHead.hash}`,
        "x-warden-audit-event": out.auditEventId,
        // The signed checkpoint made for this export: `<size>:<base64 root>:<key id>`.
        ...(out.checkpoint ? { "x-warden-checkpoint": `${out.checkpoint.size}:${out.checkpoint.root}:${out.checkpoint.keyId}` } : {}),
        "x-request-id": meta.requestId,
      },
    });
  },
  { can: "readReports" },
);
