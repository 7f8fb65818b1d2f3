#!/usr/bin/env node
// `npm run demo`: builds if needed, then starts Warden on the embedded database with the demo
// fleet (seeded on first start). Ctrl-C stops it; data stays in WARDEN_DATA_DIR (default .data/).
import { spawnSync, spawn } from "node:child_process";
import fs from "node:fs";

if (!fs.existsSync(".next/warden-server.cjs") || process.env.WARDEN_REBUILD === "1") {
  console.log("[warden] building (first run only)…");
  const b = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const port = process.env.PORT ?? "3000";
const env = { ...process.env, PORT: port, WARDEN_DEMO: "1", NODE_ENV: "production" };
delete env.DATABASE_URL; // the demo always runs on the embedded database
console.log(`[warden] starting on http://localhost:${port}`);
const child = spawn("node", ["--enable-source-maps", ".next/warden-server.cjs", "-p", port], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
