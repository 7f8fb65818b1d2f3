import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOGO_MARK_FILE, loadLogoMark } from "./logo";

describe("loadLogoMark", () => {
  it("reads the mark's path data from public/logo-mark.svg", () => {
    expect(LOGO_MARK_FILE).toBe(path.join(process.cwd(), "public", "logo-mark.svg"));
    const svg = readFileSync(LOGO_MARK_FILE, "utf8");
    const mark = loadLogoMark();
    expect(mark.viewBox).toEqual({ x: 0, y: 0, width: 32, height: 32 });
    expect(mark.paths).toHaveLength(1);
    const [p] = mark.paths;
    expect(svg).toContain(` d="${p.d}"`);
    expect(p.d).toMatch(/^M[\d\s.,a-zA-Z-]+Z$/); // SVG path syntax, nothing of the markup around it
    expect(p.fill).toMatch(/^#[0-9a-f]{6}$/i);
    expect(p.evenOdd).toBe(true); // the arrow slit is a hole, cut by the even-odd rule
  });

  it("fails loudly, naming the file, when it is missing or has nothing to draw", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "warden-logo-"));
    expect(() => loadLogoMark(path.join(dir, "absent.svg"))).toThrow(/ENOENT.*absent\.svg/);
    const noPath = path.join(dir, "empty.svg");
    writeFileSync(noPath, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><!-- nothing --></svg>`);
    expect(() => loadLogoMark(noPath)).toThrow(`${noPath}: expected <path d="…"> elements`);
    const noViewBox = path.join(dir, "no-viewbox.svg");
    writeFileSync(noViewBox, `<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1Z"/></svg>`);
    expect(() => loadLogoMark(noViewBox)).toThrow(/no usable viewBox/);
  });

  it("reads `d` itself, not an attribute that ends in d (id)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "warden-logo-"));
    const file = path.join(dir, "ids.svg");
    writeFileSync(file, `<svg viewBox="0 0 10 10"><path id="x" fill="#123456" d="M0 0h10v10Z"/></svg>`);
    expect(loadLogoMark(file).paths).toEqual([{ d: "M0 0h10v10Z", fill: "#123456", evenOdd: false }]);
  });
});
