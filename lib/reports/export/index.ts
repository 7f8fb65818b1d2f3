// The export formats of a framework report, and what every export carries: a filename, a
// content type and the SHA-256 of its exact bytes.
import { createHash } from "node:crypto";
import type { Report } from "../types";
import { reportToCsv } from "./csv";
import { reportToJson } from "./json";
import { reportToPdf } from "./pdf";

export const EXPORT_FORMATS = ["pdf", "csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPE: Record<ExportFormat, string> = {
  pdf: "application/pdf",
  csv: "text/csv; charset=utf-8; header=present",
  json: "application/json; charset=utf-8",
};

export function isExportFormat(x: unknown): x is ExportFormat {
  return typeof x === "string" && (EXPORT_FORMATS as readonly string[]).includes(x);
}

export async function renderReport(report: Report, format: ExportFormat): Promise<Buffer> {
  if (format === "pdf") return reportToPdf(report);
  if (format === "csv") return reportToCsv(report);
  return reportToJson(report);
}

/** e.g. warden-owasp-asi-2026-2026-10-27_2026-11-26.pdf (framework ids are [a-z0-9.-] only). */
export function exportFilename(report: Report, format: ExportFormat): string {
  return `warden-${report.framework.id}-${report.period.from.slice(0, 10)}_${report.period.to.slice(0, 10)}.${format}`;
}

/** SHA-256 of the exact bytes: hex for people and the audit log, base64 for the Digest header. */
export function contentDigest(bytes: Uint8Array): { hex: string; base64: string } {
  const d = createHash("sha256").update(bytes).digest();
  return { hex: d.toString("hex"), base64: d.toString("base64") };
}
