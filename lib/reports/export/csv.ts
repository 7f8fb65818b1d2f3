import type { Report, ReportItem } from "../types";

export const CSV_COLUMNS = ["framework", "item id", "ref", "title", "status", "control id", "control name", "active", "evidence label", "count", "link"] as const;

// Spreadsheets run a cell that starts with one of these as a formula (CSV injection): such a cell
// gets a leading single quote, which shows the text as typed and runs nothing.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: formula-guarded, then quoted per RFC 4180 when it holds a quote, comma or line break. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A `#` comment line: one line whatever the value holds. */
const comment = (text: string) => `# ${text.replace(/[\r\n]+/g, " ")}`;

/**
 * The report as CSV (RFC 4180, CRLF line ends, UTF-8). `#` lines first state what the file is;
 * then one row per control and one per evidence count of each item (a gap item gets one row with
 * both empty), so summing the count column never double-counts.
 */
export function reportToCsv(report: Report): Buffer {
  const f = report.framework;
  const lines = [
    comment(`Warden framework report: ${f.name} (${f.version}) [${f.id}]`),
    comment(`period: ${report.period.from} to ${report.period.to}`),
    comment(`generated at: ${report.generatedAt} by ${report.generatedBy.email} (${report.generatedBy.id})`),
    comment(report.chainHead.hash ? `audit chain head: seq ${report.chainHead.seq} hash ${report.chainHead.hash}` : "audit chain head: none (the audit log was empty)"),
    ...(report.checkpoint ? [comment(`audit log checkpoint: size ${report.checkpoint.size} root ${report.checkpoint.root} key ${report.checkpoint.keyId}`)] : []),
    comment(`items: ${report.summary.items}; covered ${report.summary.covered}; partial ${report.summary.partial}; gaps ${report.summary.gaps}`),
    CSV_COLUMNS.map(csvCell).join(","),
  ];
  for (const item of report.items) for (const row of itemRows(f.id, item)) lines.push(row.map(csvCell).join(","));
  return Buffer.from(lines.join("\r\n") + "\r\n", "utf8");
}

type Row = (string | number | boolean | undefined)[];

function itemRows(framework: string, item: ReportItem): Row[] {
  const head = [framework, item.id, item.ref ?? "", item.title, item.status];
  const rows: Row[] = [
    ...item.controls.map((c) => [...head, c.id, c.name, c.active ? "yes" : "no", "", "", ""]),
    ...item.evidence.map((e) => [...head, "", "", "", e.label, e.count, e.href ?? ""]),
  ];
  return rows.length ? rows : [[...head, "", "", "", "", "", ""]];
}
