import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { TestClock } from "../../lib/clock";
import { openDatabase, type DatabaseHandle } from "../../lib/db/client";
import { Runtime, setRuntime } from "../../lib/runtime";

/** Both database paths run every integration test: real Postgres and embedded PGlite. */
export const DB_KINDS = ["postgres", "pglite"] as const;
export type DbKind = (typeof DB_KINDS)[number];

/** A test's database, with the runtime on it and that runtime's clock, which the test moves. */
export type TestDatabase = DatabaseHandle & { rt: Runtime; clock: TestClock };

/**
 * A fresh database for one test file: a clone of the run's migrated template on Postgres, or a
 * new in-memory PGlite. Its runtime becomes the process's (getRuntime(), getDb()); closing the
 * handle closes the runtime.
 */
export async function openTestDatabase(kind: DbKind): Promise<TestDatabase> {
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
  const clock = new TestClock();
  const rt = new Runtime(handle, clock);
  setRuntime(rt);
  return { ...handle, rt, clock, close: () => rt.close() };
}
