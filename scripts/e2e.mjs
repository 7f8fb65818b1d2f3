#!/usr/bin/env node
// Runs the Playwright suite against a fresh Postgres database that exists only for this run.
// Refuses to touch anything but a local server.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const admin = process.env.WARDEN_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const host = new URL(admin).hostname;
if (!["127.0.0.1", "localhost", "::1", ""].includes(host)) {
  console.error(`refusing to create test databases on non-local host ${host}`);
  process.exit(2);
}
if (!fs.existsSync(".next/warden-server.cjs")) {
  console.log("[e2e] no production build found, running npm run build");
  const b = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const name = `warden_e2e_${Date.now()}_${process.pid}`;
const client = new pg.Client({ connectionString: admin });
await client.connect();
await client.query(`CREATE DATABASE ${name}`);
const url = new URL(admin);
url.pathname = `/${name}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-e2e-"));
let status = 1;
try {
  const r = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, E2E_DATABASE_URL: url.toString(), E2E_DATA_DIR: dataDir },
  });
  status = r.status ?? 1;
} finally {
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  await client.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(status);
