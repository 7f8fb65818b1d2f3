#!/usr/bin/env node
// Bundles server.ts (with the lib/ code it imports, `@/` paths resolved from tsconfig.json) into
// .next/warden-server.cjs, which `npm start` runs. Packages stay external: they load from
// node_modules exactly as Next loads them. Runs after `next build`, which empties .next/.
import { build } from "esbuild";

await build({
  entryPoints: ["server.ts"],
  outfile: ".next/warden-server.cjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  tsconfig: "tsconfig.json",
  sourcemap: "linked",
  logLevel: "warning",
});
console.log("[build] .next/warden-server.cjs");
