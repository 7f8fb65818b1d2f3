import { randomBytes } from "node:crypto";
import { and, eq, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { DomainError } from "@/lib/errors";
import { describeDatabaseFault, isDatabaseUnavailable } from "@/lib/db/faults";
import type { Db } from "@/lib/db/client";
import { connectors, credentials } from "@/lib/db/schema";

// Just-in-time credentials for connectors of kind "database" on Postgres: a temporary login
// role per credential, with VALID UNTIL and only the grants the scope names, dropped on
// revocation or expiry. The admin connection string never enters Warden's database: the
// connector names an environment variable that holds it (config.postgres.adminUrlEnv), and only
// variables starting WARDEN_PG_ may be named, so a connector cannot point at Warden's own
// DATABASE_URL.

export type PostgresBackendConfig = { adminUrlEnv: string; schema: string };

const ENV_NAME = /^WARDEN_PG_[A-Z0-9_]{1,100}$/;
const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const PRIVILEGES: Record<string, string> = { select: "SELECT", insert: "INSERT", update: "UPDATE", delete: "DELETE" };

/** The connector's Postgres backend, if it has one configured; a bad config is a clear 400. */
export function postgresBackendOf(connector: { kind: string; config: Record<string, unknown> | null }): PostgresBackendConfig | null {
  const pgConfig = (connector.config ?? {}).postgres as { adminUrlEnv?: unknown; schema?: unknown } | undefined;
  if (connector.kind !== "database" || !pgConfig) return null;
  const env = pgConfig.adminUrlEnv;
  const schema = pgConfig.schema ?? "public";
  if (typeof env !== "string" || !ENV_NAME.test(env)) {
    throw new DomainError("bad_request", "The connector's config.postgres.adminUrlEnv must name an environment variable starting WARDEN_PG_");
  }
  if (typeof schema !== "string" || !IDENT.test(schema)) throw new DomainError("bad_request", "The connector's config.postgres.schema is not a plain identifier");
  return { adminUrlEnv: env, schema };
}

function adminUrl(cfg: PostgresBackendConfig): string {
  const url = process.env[cfg.adminUrlEnv];
  if (!url) throw new DomainError("unavailable", `The database backend is not configured on this instance (${cfg.adminUrlEnv} is unset)`);
  return url;
}

async function withAdmin<T>(cfg: PostgresBackendConfig, fn: (q: (text: string) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<T>): Promise<T> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: adminUrl(cfg), connectionTimeoutMillis: 5000 });
  // Said as this backend's fault: left raw, it would read as Warden's own database being down.
  await client.connect().catch((err) => {
    throw isDatabaseUnavailable(err) ? new DomainError("unavailable", `The database backend (${cfg.adminUrlEnv}) cannot be reached: ${describeDatabaseFault(err)}`) : err;
  });
  try {
    return await fn((text) => client.query(text));
  } finally {
    await client.end().catch(() => {});
  }
}

/** "table.privilege" pairs from a scope's operations (tool = table, operation = privilege). */
export function grantsFor(operations: string[]): { table: string; privilege: string }[] {
  return operations.map((op) => {
    const [table, operation] = op.split(".");
    const privilege = PRIVILEGES[operation];
    if (!IDENT.test(table) || !privilege) {
      throw new DomainError("validation_failed", `operations: the database backend grants select, insert, update or delete on a table (got "${op}")`, [
        { path: "operations", message: `"${op}" is not table.select|insert|update|delete` },
      ]);
    }
    return { table, privilege };
  });
}

/**
 * Creates the login role with exactly the scope's grants, in one transaction on the target
 * database. Identifiers are checked plain identifiers, the password is base64url and the time
 * an ISO string, so everything interpolated is inert. Returns the connection string (once).
 */
export async function createDatabaseRole(cfg: PostgresBackendConfig, operations: string[], expiresAt: Date): Promise<{ role: string; password: string; connectionString: string }> {
  const grants = grantsFor(operations);
  const role = `wdn_jit_${randomBytes(6).toString("hex")}`;
  const password = randomBytes(24).toString("base64url");
  const url = new URL(adminUrl(cfg));
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "postgres";
  await withAdmin(cfg, async (q) => {
    await q("BEGIN");
    try {
      await q(`CREATE ROLE "${role}" LOGIN NOINHERIT CONNECTION LIMIT 5 PASSWORD '${password}' VALID UNTIL '${expiresAt.toISOString()}'`);
      await q(`GRANT CONNECT ON DATABASE "${database.replaceAll('"', '""')}" TO "${role}"`);
      await q(`GRANT USAGE ON SCHEMA "${cfg.schema}" TO "${role}"`);
      for (const g of grants) await q(`GRANT ${g.privilege} ON TABLE "${cfg.schema}"."${g.table}" TO "${role}"`);
      await q("COMMIT");
    } catch (err) {
      await q("ROLLBACK").catch(() => {});
      throw new DomainError("bad_request", `The database refused the grants: ${(err as Error).message}`);
    }
  });
  url.username = role;
  url.password = password;
  return { role, password, connectionString: url.toString() };
}

/** Disables the role, ends its open connections, and drops it with its grants. Idempotent. */
export async function dropDatabaseRole(cfg: PostgresBackendConfig, role: string): Promise<void> {
  if (!/^wdn_jit_[0-9a-f]{12}$/.test(role)) throw new Error(`refusing to drop a role Warden did not create: ${role}`);
  await withAdmin(cfg, async (q) => {
    const { rows } = await q(`SELECT 1 FROM pg_roles WHERE rolname = '${role}'`);
    if (rows.length === 0) return;
    await q(`ALTER ROLE "${role}" NOLOGIN`);
    await q(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
    await q(`DROP OWNED BY "${role}"`);
    await q(`DROP ROLE "${role}"`);
  });
}

/**
 * Drops the roles of database credentials that are revoked or expired and still exist: called
 * right after every revocation (so a revoked role cannot log in once the call returns) and by
 * the sweeper (which also catches expiry and any drop that failed before). Returns how many.
 */
export async function dropRetiredDatabaseRoles(db: Db, opts: { credentialIds?: string[] } = {}): Promise<number> {
  const now = new Date();
  const due = await db
    .select({ id: credentials.id, metadata: credentials.metadata, kind: connectors.kind, config: connectors.config })
    .from(credentials)
    .innerJoin(connectors, eq(connectors.id, credentials.connectorId))
    .where(
      and(
        eq(credentials.kind, "database_role"),
        sql`${credentials.metadata} ? 'dbRole'`,
        sql`not (${credentials.metadata} ? 'roleDroppedAt')`,
        or(isNotNull(credentials.revokedAt), lte(credentials.expiresAt, now)),
        opts.credentialIds ? sql`${credentials.id} = any(${`{${opts.credentialIds.join(",")}}`}::uuid[])` : undefined,
      ),
    )
    .limit(500);
  let dropped = 0;
  for (const c of due) {
    try {
      const cfg = postgresBackendOf(c);
      if (!cfg) continue;
      await dropDatabaseRole(cfg, String(c.metadata.dbRole));
      await db
        .update(credentials)
        .set({ metadata: sql`${credentials.metadata} || ${JSON.stringify({ roleDroppedAt: new Date().toISOString() })}::jsonb` })
        .where(and(eq(credentials.id, c.id), isNull(sql`${credentials.metadata} -> 'roleDroppedAt'`)));
      dropped++;
    } catch (err) {
      // The role still expires by itself (VALID UNTIL); the sweeper tries again.
      console.error(`[warden] could not drop the database role of credential ${c.id}:`, (err as Error).message);
    }
  }
  return dropped;
}

/** After a revocation commits: the database roles among `ids` stop working before it returns. */
export async function retireRolesOf(db: Db, ids: string[]): Promise<void> {
  if (ids.length) await dropRetiredDatabaseRoles(db, { credentialIds: ids });
}
