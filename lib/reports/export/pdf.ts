import PDFDocument from "pdfkit";
import type { Report, ReportItem } from "../types";
import { loadLogoMark, type LogoMark } from "./logo";
import { formatCount } from "@/lib/format";

// The report as an audit document: title page, scope and period, summary, one section per item,
// then every gap. Only the standard PDF fonts (Helvetica, Courier): nothing to embed, and text
// extraction and search work in every reader.
type Doc = PDFKit.PDFDocument;

const MARGIN = 50;
const FOOTER = 28; // room kept below the bottom margin for the footer line
const INK = "#111111";
const MUTED = "#555555";
const RULE = "#bbbbbb";
const STATUS_LABEL = { covered: "Covered", partial: "Partial", gap: "Gap" } as const;
const STATUS_COLOR = { covered: "#1f7a3a", partial: "#9a6400", gap: "#b3261e" } as const;

/** Renders the PDF. Deterministic for a given report: dates in the file come from the report. */
export function reportToPdf(report: Report): Promise<Buffer> {
  const mark = loadLogoMark(); // before the document starts: a missing file fails the export, not half a PDF
  const when = new Date(report.generatedAt);
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
    bufferPages: true, // footers ("page n of N") are written once the page count is known
    info: {
      Title: `${report.framework.name} ${report.framework.version}: Warden report ${day(report.period.from)} to ${day(report.period.to)}`,
      Author: `Warden (${report.generatedBy.email})`,
      Subject: `Audit chain head ${report.chainHead.seq}:${report.chainHead.hash}`,
      Creator: "Warden",
      Producer: "Warden",
      CreationDate: when,
      ModDate: when,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  titlePage(doc, report, mark);
  doc.addPage();
  scopeSection(doc, report);
  summarySection(doc, report);
  itemsSection(doc, report);
  gapsSection(doc, report);
  footers(doc, report);
  doc.end();
  return done;
}

/** Standard fonts speak WinAnsi: keep what it has, spell out a few symbols, '?' for the rest. */
const WIN_ANSI_EXTRA = new Set("ƒ–—‘’‚“”„†‡•…€‰‹›ˆ™ŒœŠšŸŽž˜");
const SPELLED: Record<string, string> = { "→": "->", "←": "<-", "≤": "<=", "≥": ">=", "≠": "!=", "×": "x", "\u00a0": " " };
export function pdfText(s: string): string {
  let out = "";
  for (const ch of s.normalize("NFC")) {
    const code = ch.codePointAt(0)!;
    if (SPELLED[ch]) out += SPELLED[ch];
    else if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else if (ch === "\n") out += ch; // a line break inside a cell or paragraph
    else if (ch === "\t" || ch === "\r") out += " ";
    else {
      const base = ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      out += /^[\x20-\x7e]+$/.test(base) ? base : "?";
    }
  }
  return out;
}

const day = (iso: string) => iso.slice(0, 10);
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
const width = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

function ensureSpace(doc: Doc, height: number) {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function heading(doc: Doc, text: string, size = 16) {
  ensureSpace(doc, size * 3);
  doc.moveDown(0.6).font("Helvetica-Bold").fontSize(size).fillColor(INK).text(pdfText(text), MARGIN, doc.y, { width: width(doc) });
  doc.moveDown(0.3);
}

function para(doc: Doc, text: string, opts: { size?: number; color?: string; font?: string } = {}) {
  doc.font(opts.font ?? "Helvetica").fontSize(opts.size ?? 10).fillColor(opts.color ?? INK);
  doc.text(pdfText(text), MARGIN, doc.y, { width: width(doc) });
  doc.moveDown(0.4);
}

/** Label/value lines, the value wrapping in its own column. */
function facts(doc: Doc, rows: [string, string, ("mono" | undefined)?][], labelWidth = 120) {
  for (const [label, value, mono] of rows) {
    const font = mono ? "Courier" : "Helvetica";
    const size = mono ? 9 : 10; // a 64-digit hash fits on one line at 9 pt
    doc.font(font).fontSize(size);
    const h = Math.max(doc.heightOfString(pdfText(value), { width: width(doc) - labelWidth }), 12);
    ensureSpace(doc, h + 4);
    const y = doc.y;
    doc.font("Helvetica-Bold").fontSize(10).fillColor(MUTED).text(pdfText(label), MARGIN, y, { width: labelWidth - 8 });
    doc.font(font).fontSize(size).fillColor(INK).text(pdfText(value), MARGIN + labelWidth, y, { width: width(doc) - labelWidth });
    doc.y = y + h + 4;
  }
}

type Column = { header: string; width: number; align?: "left" | "right" };

/** A table whose cells wrap; a row never splits across pages and the header repeats on each. */
function table(doc: Doc, columns: Column[], rows: string[][]) {
  const total = columns.reduce((s, c) => s + c.width, 0);
  const scale = width(doc) / total;
  const cols = columns.map((c) => ({ ...c, width: c.width * scale }));
  const pad = 3;
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(9);
    return Math.max(...cells.map((c, i) => doc.heightOfString(pdfText(c), { width: cols[i].width - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], font: string, fill?: string) => {
    const h = rowHeight(cells, font);
    const y = doc.y;
    if (fill) doc.rect(MARGIN, y, width(doc), h).fill(fill);
    let x = MARGIN;
    doc.font(font).fontSize(9).fillColor(INK);
    cells.forEach((c, i) => {
      doc.text(pdfText(c), x + pad, y + pad, { width: cols[i].width - 2 * pad, align: cols[i].align ?? "left" });
      x += cols[i].width;
    });
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + width(doc), y + h).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  const header = cols.map((c) => c.header);
  const headerHeight = rowHeight(header, "Helvetica-Bold");
  ensureSpace(doc, headerHeight + (rows[0] ? rowHeight(rows[0], "Helvetica") : 0));
  drawRow(header, "Helvetica-Bold", "#eeeeee");
  for (const r of rows) {
    if (doc.y + rowHeight(r, "Helvetica") > bottom(doc)) {
      doc.addPage();
      drawRow(header, "Helvetica-Bold", "#eeeeee");
    }
    drawRow(r, "Helvetica");
  }
  doc.moveDown(0.6);
}

/** The mark at `size` points square with "Warden" beside it, vertically centred on the mark. */
function logoHeader(doc: Doc, mark: LogoMark, size = 28) {
  const { viewBox: vb } = mark;
  const scale = size / Math.max(vb.width, vb.height);
  doc.save().translate(MARGIN, MARGIN).scale(scale).translate(-vb.x, -vb.y);
  for (const p of mark.paths) doc.path(p.d).fill(p.fill, p.evenOdd ? "even-odd" : "non-zero");
  doc.restore();
  const fontSize = 18;
  const baseline = MARGIN + size / 2 + (0.718 * fontSize) / 2; // Helvetica's cap height is 0.718 em
  doc.font("Helvetica-Bold").fontSize(fontSize).fillColor(INK);
  doc.text("Warden", MARGIN + size + 6, baseline, { baseline: "alphabetic", lineBreak: false });
  doc.moveTo(MARGIN, MARGIN + size + 12).lineTo(MARGIN + width(doc), MARGIN + size + 12).lineWidth(0.5).strokeColor(RULE).stroke();
}

function titlePage(doc: Doc, r: Report, mark: LogoMark) {
  logoHeader(doc, mark);
  doc.y = 150;
  doc.font("Helvetica").fontSize(12).fillColor(MUTED).text("Warden: runtime governance for AI agents", MARGIN, doc.y, { width: width(doc) });
  doc.moveDown(1);
  doc.font("Helvetica-Bold").fontSize(24).fillColor(INK).text(pdfText(r.framework.name), { width: width(doc) });
  doc.font("Helvetica").fontSize(14).text(pdfText(`Version ${r.framework.version}`), { width: width(doc) });
  doc.moveDown(0.5);
  doc.font("Helvetica-Bold").fontSize(14).text("Framework coverage report", { width: width(doc) });
  doc.moveDown(2);
  facts(doc, [
    ["Period", `${utc(r.period.from)} to ${utc(r.period.to)}`],
    ["Generated at", utc(r.generatedAt)],
    ["Generated by", `${r.generatedBy.email} (${r.generatedBy.id})`],
    ["Audit chain head", r.chainHead.hash ? `seq ${r.chainHead.seq}` : "none: the audit log was empty"],
    ["Chain head hash", r.chainHead.hash || "-", "mono"],
    ...(r.checkpoint
      ? [
          ["Signed checkpoint", `${r.checkpoint.size} events, key ${r.checkpoint.keyId}`] as [string, string],
          ["Checkpoint root", r.checkpoint.root, "mono"] as [string, string, "mono"],
        ]
      : []),
    ["Publisher", r.framework.publisher],
    ["Source", r.framework.sourceUrl],
  ]);
  doc.moveDown(2);
  para(
    doc,
    "The chain head fixes the state of Warden's hash-chained audit log when this report was computed. Each export of this report is itself recorded in that log (action report.exported) with the SHA-256 of the exported file, so a copy can be checked later by hashing it and looking the hash up (POST /api/v1/reports/verify).",
    { size: 9, color: MUTED },
  );
}

function scopeSection(doc: Doc, r: Report) {
  heading(doc, "1. Scope and period");
  para(doc, `This report maps every item of ${r.framework.name} (${r.framework.shortName}, version ${r.framework.version}) to the Warden controls that address it, states whether each control is in force, and counts the evidence Warden recorded in the period.`);
  facts(doc, [
    ["Framework id", r.framework.id],
    ["From", utc(r.period.from)],
    ["To", utc(r.period.to)],
    ["Items", String(r.summary.items)],
  ]);
  para(doc, "Status of an item: Covered - an active control with evidence, or a preventive control in force. Partial - mapped to controls that are inactive or address the item only in part. Gap - nothing in Warden addresses the item; gaps are listed in full at the end.", { size: 9, color: MUTED });
}

function summarySection(doc: Doc, r: Report) {
  const s = r.summary;
  const pct = (n: number) => (s.items ? `${Math.round((n / s.items) * 100)}%` : "-");
  heading(doc, "2. Summary");
  table(
    doc,
    [{ header: "Coverage", width: 3 }, { header: "Items", width: 1, align: "right" }, { header: "Share", width: 1, align: "right" }],
    [
      ["Covered", String(s.covered), pct(s.covered)],
      ["Partial", String(s.partial), pct(s.partial)],
      ["Gap", String(s.gaps), pct(s.gaps)],
      ["All items", String(s.items), "100%"],
    ],
  );
  const n = formatCount;
  table(
    doc,
    [{ header: "Activity in the period", width: 3 }, { header: "Count", width: 1, align: "right" }],
    [
      ["Decisions", n(s.decisions)],
      ["Allowed", n(s.allowed)],
      ["Denied", n(s.denied)],
      ["Escalated", n(s.escalated)],
      ["Escalations approved", n(s.escalationsApproved)],
      ["Escalations denied", n(s.escalationsDenied)],
      ["Escalations expired", n(s.escalationsExpired)],
      ["Credentials revoked", n(s.credentialsRevoked)],
      ["Findings raised", n(s.findingsRaised)],
    ],
  );
}

function itemsSection(doc: Doc, r: Report) {
  doc.addPage();
  heading(doc, "3. Items");
  for (const item of r.items) itemBlock(doc, item);
}

function itemBlock(doc: Doc, item: ReportItem) {
  ensureSpace(doc, 90);
  const where = item.level ? ` (${item.level}${item.parent ? ` of ${item.parent}` : ""})` : "";
  doc.moveDown(0.4).font("Helvetica-Bold").fontSize(12).fillColor(INK);
  doc.text(pdfText(`${item.id}  ${item.title}`), MARGIN, doc.y, { width: width(doc) });
  doc.font("Helvetica").fontSize(9).fillColor(MUTED).text(pdfText(`${item.ref ? `${item.ref} - ` : ""}Status: `), { continued: true });
  doc.font("Helvetica-Bold").fillColor(STATUS_COLOR[item.status]).text(STATUS_LABEL[item.status], { continued: true });
  doc.font("Helvetica").fillColor(MUTED).text(pdfText(where || " "), { width: width(doc) });
  doc.moveDown(0.2);
  para(doc, item.summary, { size: 9 });
  if (item.controls.length) {
    table(
      doc,
      [{ header: "Control", width: 3 }, { header: "Active", width: 1 }, { header: "How / in force because", width: 6 }],
      item.controls.map((c) => [`${c.name}\n${c.id}`, c.active ? "yes" : "no", `${c.how} ${c.activeDetail ? `(${c.activeDetail})` : ""}`.trim()]),
    );
  } else {
    para(doc, "No Warden control addresses this item.", { size: 9, color: MUTED });
  }
  if (item.evidence.length) {
    table(doc, [{ header: "Evidence in the period", width: 8 }, { header: "Count", width: 2, align: "right" }], item.evidence.map((e) => [e.label, formatCount(e.count)]));
  }
  doc.moveTo(MARGIN, doc.y).lineTo(MARGIN + width(doc), doc.y).lineWidth(0.5).strokeColor(RULE).stroke();
  doc.moveDown(0.4);
}

function gapsSection(doc: Doc, r: Report) {
  const gaps = r.items.filter((i) => i.status === "gap");
  doc.addPage();
  heading(doc, "4. Gaps");
  if (!gaps.length) {
    para(doc, "None: every item is covered or partly covered.");
    return;
  }
  para(doc, `${gaps.length} of ${r.summary.items} items are not addressed by any Warden control:`);
  table(doc, [{ header: "Item", width: 2 }, { header: "Title", width: 4 }, { header: "What it is about", width: 7 }], gaps.map((g) => [g.id, g.title, g.summary]));
}

/** "Page n of N" and the chain head on every page, drawn into the bottom margin. */
function footers(doc: Doc, r: Report) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing below the margin must not start a new page
    const y = doc.page.height - MARGIN - 4;
    doc.font("Helvetica").fontSize(7.5).fillColor(MUTED);
    doc.text(`Warden - audit chain head ${r.chainHead.hash ? `${r.chainHead.seq}:${r.chainHead.hash}` : "none (empty log)"}`, MARGIN, y, { width: width(doc) - 70, lineBreak: false });
    doc.text(`Page ${i + 1 - range.start} of ${range.count}`, MARGIN + width(doc) - 70, y, { width: 70, align: "right", lineBreak: false });
    doc.page.margins.bottom = keep;
  }
}
