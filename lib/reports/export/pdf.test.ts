import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDocument, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";
import { REPORT_FRAMEWORKS } from "../types";
import { fixtureReport } from "./fixture";
import { loadLogoMark } from "./logo";
import { pdfText, reportToPdf } from "./pdf";

// Standard-font metrics from the package, so pdf.js does not warn about fetching them.
const standardFontDataUrl = `${path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"))}/standard_fonts/`;
const openPdf = (bytes: Buffer) => getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, isEvalSupported: false }).promise;

/** Every page's text, whitespace collapsed (wrapped lines join with a space). */
async function pdfPages(bytes: Buffer): Promise<string[]> {
  const pdf = await openPdf(bytes);
  const pages: string[] = [];
  for (let p = 1; p <= pdf.numPages; p++) {
    const content = await (await pdf.getPage(p)).getTextContent();
    pages.push(content.items.map((i) => ("str" in i ? i.str + (i.hasEOL ? " " : "") : "")).join(" ").replace(/\s+/g, " "));
  }
  await pdf.destroy();
  return pages;
}

const flat = (s: string) => pdfText(s).replace(/\s+/g, " ");

describe.each(REPORT_FRAMEWORKS)("reportToPdf (%s)", (framework) => {
  const report = fixtureReport(framework);
  let pages: string[];
  let bytes: Buffer;

  it("renders a PDF", async () => {
    bytes = await reportToPdf(report);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThan(3);
  });

  it("has the facts on the title page", () => {
    const title = pages[0];
    expect(title).toContain(flat(report.framework.name));
    expect(title).toContain(flat(`Version ${report.framework.version}`));
    expect(title).toContain("Warden");
    expect(title).toContain("2026-10-27 00:00:00 UTC to 2026-11-26 00:00:00 UTC");
    expect(title).toContain("2026-11-26 09:30:00 UTC");
    expect(title).toContain(report.generatedBy.email);
    expect(title).toContain(`seq ${report.chainHead.seq}`);
    expect(title).toContain(report.chainHead.hash);
  });

  it("has the scope and summary sections with the counts", () => {
    const all = pages.join(" ");
    expect(all).toContain("1. Scope and period");
    expect(all).toContain("2. Summary");
    expect(all).toMatch(new RegExp(`Covered ${report.summary.covered} `));
    expect(all).toMatch(new RegExp(`Partial ${report.summary.partial} `));
    expect(all).toMatch(new RegExp(`Gap ${report.summary.gaps} `));
    expect(all).toContain("1,000,000");
  });

  it("names every item by id and title", () => {
    const items = pages.slice(pages.findIndex((p) => p.includes("3. Items"))).join(" ");
    for (const item of report.items) expect(items).toContain(flat(`${item.id} ${item.title}`));
  });

  it("lists every gap in the Gaps section, and nothing else", () => {
    const start = pages.findIndex((p) => p.includes("4. Gaps"));
    expect(start).toBeGreaterThan(0);
    const gaps = pages.slice(start).join(" ");
    const gapItems = report.items.filter((i) => i.status === "gap");
    expect(gapItems.length).toBeGreaterThan(0);
    expect(gaps).toContain(`${gapItems.length} of ${report.summary.items} items`);
    for (const g of gapItems) expect(gaps).toContain(flat(g.title));
    const covered = report.items.find((i) => i.status === "covered" && !gapItems.some((g) => g.title.includes(i.title)))!;
    expect(gaps).not.toContain(flat(`${covered.id} ${covered.title}`));
  });

  it("puts page n of N and the chain head in every footer", () => {
    pages.forEach((p, i) => {
      expect(p).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(p).toContain(`audit chain head ${report.chainHead.seq}:${report.chainHead.hash}`);
    });
  });

  it("is deterministic for the same report", async () => {
    const again = await reportToPdf(structuredClone(report));
    expect(again.equals(bytes)).toBe(true);
  });
});

describe("the title page's header", () => {
  it("draws the mark from public/logo-mark.svg, in its colour and even-odd fill, beside the name", async () => {
    const mark = loadLogoMark();
    const pdf = await openPdf(await reportToPdf(fixtureReport()));
    const { fnArray, argsArray } = await (await pdf.getPage(1)).getOperatorList();
    // pdf.js folds each path into one constructPath op: [paint op, path data, bounding box].
    const at = fnArray.findIndex((fn, i) => fn === OPS.constructPath && argsArray[i][0] === OPS.eoFill);
    expect(at).toBeGreaterThan(0);
    expect(fnArray[at - 1]).toBe(OPS.setFillRGBColor);
    expect(argsArray[at - 1][0].toLowerCase()).toBe(mark.paths[0].fill.toLowerCase());
    // The mark's own bounds, in its 32-unit viewBox (scaled by the transform before it).
    expect(Object.values(argsArray[at][2])).toEqual([4, 2, 28, 30.5]);
    const text = (await (await pdf.getPage(1)).getTextContent()).items.map((i) => ("str" in i ? i.str : ""));
    expect(text[0]).toBe("Warden");
    await pdf.destroy();
  });
});

describe("an empty audit log", () => {
  it("says so instead of printing an empty hash", async () => {
    const report = { ...fixtureReport(), chainHead: { seq: 0, hash: "" } };
    const pages = await pdfPages(await reportToPdf(report));
    expect(pages[0]).toContain("none: the audit log was empty");
    expect(pages.at(-1)).toContain("audit chain head none (empty log)");
  });
});

describe("pdfText", () => {
  it("keeps WinAnsi text and replaces what the standard fonts cannot show", () => {
    expect(pdfText("Café — “quoted” → ≤ 5 漢\tx\ny")).toBe("Café — “quoted” -> <= 5 ? x\ny");
    expect(pdfText("Ł")).toBe("?");
    expect(pdfText("ǅ")).toBe("Dz");
  });
});
