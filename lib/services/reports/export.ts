import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { buildReport } from "@/lib/reports/build";
import { CONTENT_TYPE, contentDigest, exportFilename, renderReport, type ExportFormat } from "@/lib/reports/export";
import type { Report, ReportCheckpoint, ReportFrameworkId } from "@/lib/reports/types";
import { checkpointNow } from "../audit-log/checkpoint";
import type { AuditLog } from "../audit-log/open";
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
  checkpoint: ReportCheckpoint | null;
  auditEventId: string;
};

/**
 * Builds the report, renders it and records `report.exported` with the SHA-256 of the exact bytes
 * before anything is handed back: a file that reached anyone has its hash in the audit log, so
 * an auditor can hash a copy and find the event (verifyExport). The audit row gets its own
 * transaction; if it fails, the export fails and no file leaves.
 *
 * With the audit log (`log`), a checkpoint covering the report's chain head is signed first and
 * named in the file, the audit event and the answer, so the export can be tied to a signed tree
 * (docs/audit-log.md). A refused checkpoint (the log was rolled back) raises its finding and the
 * export goes out without one.
 */
export async function exportReport(
  db: Db,
  caller: Caller,
  person: { id: string; email: string },
  frameworkId: ReportFrameworkId,
  period: { from: Date; to: Date },
  format: ExportFormat,
  log?: AuditLog,
): Promise<ReportExport> {
  const built = await buildReport(db, person, frameworkId, period);
  const checkpoint = log ? await exportCheckpoint(log) : null;
  const report: Report = checkpoint ? { ...built, checkpoint } : built;
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
      checkpoint,
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
    checkpoint,
    auditEventId: audit.id,
  };
}

async function exportCheckpoint(log: AuditLog): Promise<ReportCheckpoint | null> {
  const r = await checkpointNow(log);
  const c = r.kind === "rolled_back" ? null : r.checkpoint;
  return c && { size: c.size, root: c.root.toString("base64"), keyId: c.keyId };
}
