import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect, inject, it } from "vitest";
import { openDatabase, ping } from "../../lib/db/client";

// Startup migrates under an advisory lock. With WARDEN_DB_POOL_SIZE=1 the lock must not take the
// pool's only connection, or the migrations would wait for it forever.
it("opens and migrates a fresh Postgres database with a pool of one connection", async () => {
  const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await admin.connect();
  const name = `warden_open_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(inject("pgAdminUrl"));
    url.pathname = `/${name}`;
    const h = await Promise.race([
      openDatabase({ kind: "postgres", url: url.toString(), poolSize: 1 }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("openDatabase did not finish in 30 s")), 30_000)),
    ]);
    expect(await ping(h.db)).toBe(true);
    await h.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}, 40_000);
