import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, setHandle, type DatabaseHandle } from "../../lib/db/client";

/** Both database paths run every integration test: real Postgres and embedded PGlite. */
export const DB_KINDS = ["postgres", "pglite"] as const;
export type DbKind = (typeof DB_KINDS)[number];

/**
 * A fresh database for one test file: a clone of the run's migrated template on Postgres, or a
 * new in-memory PGlite. It also becomes the process-wide database (getDb()).
 */
export async function openTestDatabase(kind: DbKind): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (kind === "pglite") {
    handle = await openDatabase({ kind: "pglite", dataDir: null });
  } else {
    const template = inject("pgTemplateUrl");
    const adminUrl = inject("pgAdminUrl");
    const tmplName = new URL(template).pathname.slice(1);
    const name = `${tmplName.replace("_tmpl_", "_f_")}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${tmplName}`);
    await admin.end();
    const u = new URL(template);
    u.pathname = `/${name}`;
    const inner = await openDatabase({ kind: "postgres", url: u.toString(), poolSize: 4 });
    handle = {
      ...inner,
      close: async () => {
        await inner.close();
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  setHandle(handle);
  return handle;
}
