import { readFileSync } from "node:fs";
import path from "node:path";

// The mark drawn in the PDF reports comes from the same file the console serves, so the two
// never drift. pdfkit cannot place an SVG file, but it draws SVG path data (doc.path), so only
// the <path> elements are read: their `d`, `fill` and fill rule, in the viewBox's units.
export type LogoMark = {
  viewBox: { x: number; y: number; width: number; height: number };
  paths: { d: string; fill: string; evenOdd: boolean }[];
};

/** The production server runs from the repository root, as `next start` serves public/ from there. */
export const LOGO_MARK_FILE = path.join(process.cwd(), "public", "logo-mark.svg");

/** Throws (naming the file) when the file is missing or has no drawable path: a report without its mark is a build fault. */
export function loadLogoMark(file = LOGO_MARK_FILE): LogoMark {
  // Not traced into the build: the server runs from the repository root (no standalone output),
  // and without the comment Turbopack would trace the whole project for this dynamic path.
  const svg = readFileSync(/* turbopackIgnore: true */ file, "utf8");
  const vb = /<svg\b[^>]*\bviewBox="([^"]+)"/.exec(svg)?.[1].trim().split(/[\s,]+/).map(Number);
  if (!vb || vb.length !== 4 || vb.some((n) => !Number.isFinite(n)) || vb[2] <= 0 || vb[3] <= 0) {
    throw new Error(`${file}: the <svg> has no usable viewBox`);
  }
  const paths = [...svg.matchAll(/<path\b([^>]*)\/?>/g)].map(([, attrs]) => ({
    d: attr(attrs, "d") ?? "",
    fill: attr(attrs, "fill") ?? "#000000",
    evenOdd: attr(attrs, "fill-rule") === "evenodd",
  }));
  if (!paths.length || paths.some((p) => !p.d.trim())) throw new Error(`${file}: expected <path d="…"> elements`);
  return { viewBox: { x: vb[0], y: vb[1], width: vb[2], height: vb[3] }, paths };
}

// \s before the name so that `d` does not match inside e.g. `id`.
const attr = (attrs: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)?.[1];
