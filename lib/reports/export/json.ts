import type { Report } from "../types";

export type JsonExport = Report & { export: { format: "json"; chainHead: Report["chainHead"]; generatedAt: string } };

/**
 * The report as JSON, plus an `export` block naming the format and the audit chain head, so a
 * file read on its own still says which chain state it belongs to. Deterministic: the same report
 * gives the same bytes (and so the same SHA-256).
 */
export function reportToJson(report: Report): Buffer {
  const out: JsonExport = { ...report, export: { format: "json", chainHead: report.chainHead, generatedAt: report.generatedAt } };
  return Buffer.from(JSON.stringify(out, null, 2) + "\n", "utf8");
}
