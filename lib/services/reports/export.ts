import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { buildReport } from "@/lib/reports/build";
import { CONTENT_TYPE, contentDigest, exportFilename, renderReport, type ExportFormat } from "@/lib/reports/export";
import type { Report, ReportFrameworkId } from "@/lib/reports/types";
import { auditMeta, type Caller } from "../context";

export const REPORT_EXPORTED = "report.exported";

export type ReportExport = {
  bytes: Buffer;
  format: ExportFormat;
  contentType: string;
  filename: string;
  sha256: string;
  sha256Base64: string;
  chainHead: Report["chainHead"];
  auditEventId: string;
};

/**
 * Builds the report, renders it and records `report.exported` with the SHA-256 of the exact bytes
 * before anything is handed back: a file that reached anyone has its hash in the audit log, so
 * an auditor can hash a copy and find the event (verifyExport). The audit row gets its own
 * transaction; if it fails, the export fails and no file leaves.
 */
export async function exportReport(
  db: Db,
  caller: Caller,
  person: { id: string; email: string },
  frameworkId: ReportFrameworkId,
  period: { from: Date; to: Date },
  format: ExportFormat,
): Promise<ReportExport> {
  const report = await buildReport(db, person, frameworkId, period);
  const bytes = await renderReport(report, format);
  const digest = contentDigest(bytes);
  const audit = await recordAudit(db, {
    ...auditMeta(caller),
    action: REPORT_EXPORTED,
    target: { kind: "report", id: frameworkId },
    detail: {
      framework: frameworkId,
      from: report.period.from,
      to: report.period.to,
      format,
      sha256: digest.hex,
      chainHead: report.chainHead,
      bytes: bytes.length,
    },
  });
  return {
    bytes,
    format,
    contentType: CONTENT_TYPE[format],
    filename: exportFilename(report, format),
    sha256: digest.hex,
    sha256Base64: digest.base64,
    chainHead: report.chainHead,
    auditEventId: audit.id,
  };
}
