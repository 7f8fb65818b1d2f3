#!/usr/bin/env node
// Renders the favicon and app icons in public/ from the mark's path in public/logo-mark.svg.
// Run after changing the mark: `node scripts/gen-icons.mjs`, then commit the files it writes.
// sharp comes with Next (its image optimiser); its libvips renders SVG through librsvg.
import { readFileSync, writeFileSync } from "node:fs";
import sharp from "sharp";

const BRAND = "#2563eb";
const mark = readFileSync("public/logo-mark.svg", "utf8");
const d = mark.match(/<path\b[^>]*\sd="([^"]+)"/)?.[1];
if (!d) throw new Error("public/logo-mark.svg: no <path d=…>");

// The mark alone, in the brand colour on transparent: the tab icon.
const bare = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="${BRAND}" fill-rule="evenodd" d="${d}"/></svg>`;
// White mark on a brand square (rounded unless the platform rounds it), at ~62% of the side:
// home-screen icons need an opaque background, and the padding keeps the mark inside maskable crops.
const tile = (rounded) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="${rounded ? 7 : 0}" fill="${BRAND}"/>` +
  `<path fill="#ffffff" fill-rule="evenodd" transform="translate(6 6) scale(0.625)" d="${d}"/></svg>`;

const png = (svg, size) => sharp(Buffer.from(svg), { density: (72 * size) / 32 }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();

/** An ICO whose entries are PNGs (supported by every browser since Windows Vista-era IE). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e); // width (0 means 256)
    header.writeUInt8(size >= 256 ? 0 : size, e + 1); // height
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3); // reserved
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.data)]);
}

const sizes = [16, 32, 48];
const entries = await Promise.all(sizes.map(async (size) => ({ size, data: await png(bare, size) })));
writeFileSync("public/favicon.ico", ico(entries));
writeFileSync("public/icon-192.png", await png(tile(true), 192));
writeFileSync("public/icon-512.png", await png(tile(true), 512));
writeFileSync("public/apple-touch-icon.png", await png(tile(false), 180)); // iOS rounds the corners itself
console.log("[icons] public/favicon.ico (16, 32, 48), icon-192.png, icon-512.png, apple-touch-icon.png");
