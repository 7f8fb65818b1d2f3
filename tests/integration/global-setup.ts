import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../lib/db/client";

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplateUrl: string;
    pgAdminUrl: string;
  }
}

/**
 * Creates a fresh, migrated template database for this run; each test file clones it
 * (tests/integration/db.ts), and everything is dropped at the end.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.WARDEN_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `warden_test_tmpl_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDb(adminUrl, name);
  const handle = await openDatabase({ kind: "postgres", url, poolSize: 2 });
  await handle.close();
  project.provide("pgTemplateUrl", url);
  project.provide("pgAdminUrl", adminUrl);
  return async () => {
    const res = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`warden_test_%_${process.pid}%`]);
    for (const r of res.rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    await admin.end();
  };
}

export function withDb(url: string, db: string) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
