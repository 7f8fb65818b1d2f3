import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvCell, reportToCsv } from "./csv";
import { fixtureReport } from "./fixture";

/** A small RFC 4180 reader (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    } else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

describe("csvCell", () => {
  it("quotes per RFC 4180", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell(42)).toBe("42");
    expect(csvCell(undefined)).toBe("");
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("\rx")).toBe("\"'\rx\"");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell("a=1")).toBe("a=1");
  });
});

describe("reportToCsv", () => {
  const report = fixtureReport("owasp-asi-2026");
  const text = reportToCsv(report).toString("utf8");
  const lines = text.split("\r\n");

  it("starts with # lines naming framework, period, generator and chain head", () => {
    const comments = lines.filter((l) => l.startsWith("#"));
    const all = comments.join("\n");
    expect(all).toContain(report.framework.name);
    expect(all).toContain(report.period.from);
    expect(all).toContain(report.period.to);
    expect(all).toContain(report.generatedAt);
    expect(all).toContain(report.generatedBy.email);
    expect(all).toContain(`seq ${report.chainHead.seq} hash ${report.chainHead.hash}`);
    expect(text.endsWith("\r\n")).toBe(true);
  });

  it("has one row per control and per evidence count, a single row for a gap", () => {
    const rows = parseCsv(lines.filter((l) => !l.startsWith("#")).join("\r\n"));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const data = rows.slice(1);
    for (const r of data) expect(r).toHaveLength(CSV_COLUMNS.length);
    for (const item of report.items) {
      const mine = data.filter((r) => r[1] === item.id);
      expect(mine.length).toBe(Math.max(1, item.controls.length + item.evidence.length));
      expect(mine.every((r) => r[3] === item.title && r[4] === item.status)).toBe(true);
      const sum = mine.reduce((s, r) => s + (r[9] ? Number(r[9]) : 0), 0);
      expect(sum).toBe(item.evidence.reduce((s, e) => s + e.count, 0));
    }
    // The fixture's hostile evidence label comes back as text, behind the guard quote.
    const hostile = data.find((r) => r[8].includes("cmd|"));
    expect(hostile?.[8]).toBe(`'=cmd|" /C calc"!A0, "quoted", and, commas`);
  });
});
