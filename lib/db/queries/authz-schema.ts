import { desc, eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { authzSchemaVersions, policies, users, type AuthzSchemaVersion } from "@/lib/db/schema";
import { WARDEN_NAMESPACE } from "@/lib/policy/cedar/schema";

/** The schema version in force, or undefined before any was activated (authz_schema_versions_active_key). */
export async function getActiveSchema(db: Executor): Promise<AuthzSchemaVersion | undefined> {
  const [row] = await db.select().from(authzSchemaVersions).where(eq(authzSchemaVersions.active, true));
  return row;
}

export async function getSchemaVersion(db: Executor, version: number): Promise<AuthzSchemaVersion | undefined> {
  const [row] = await db.select().from(authzSchemaVersions).where(eq(authzSchemaVersions.version, version));
  return row;
}

export type SchemaVersionRow = {
  id: string;
  version: number;
  cedar: string;
  namespaces: string[];
  comment: string;
  active: boolean;
  createdAt: Date;
  createdByName: string | null;
  createdByEmail: string | null;
};

// A schema changes a few times a year; the newest ones are what the console compares against.
export const SCHEMA_VERSIONS_SHOWN = 50;

/** The newest versions first, each with who saved it (authz_schema_versions_version_key). */
export async function listSchemaVersions(db: Executor, limit = SCHEMA_VERSIONS_SHOWN): Promise<SchemaVersionRow[]> {
  return db
    .select({
      id: authzSchemaVersions.id,
      version: authzSchemaVersions.version,
      cedar: authzSchemaVersions.cedar,
      namespaces: authzSchemaVersions.namespaces,
      comment: authzSchemaVersions.comment,
      active: authzSchemaVersions.active,
      createdAt: authzSchemaVersions.createdAt,
      createdByName: users.name,
      createdByEmail: users.email,
    })
    .from(authzSchemaVersions)
    .leftJoin(users, eq(users.id, authzSchemaVersions.createdBy))
    .orderBy(desc(authzSchemaVersions.version))
    .limit(limit);
}

export type NamespaceSummary = { namespace: string; builtIn: boolean; policies: number; inSchema: boolean };

/**
 * The tabs of the Policies page: `Warden` first, then every namespace of the active schema, plus
 * any namespace that still holds policies but left the schema (activation refuses that, so it
 * only shows a database edited by hand). Served by policies_namespace_idx.
 */
export async function listNamespaces(db: Executor): Promise<NamespaceSummary[]> {
  const active = await getActiveSchema(db);
  const counts = await db
    .select({ namespace: policies.namespace, n: sql<number>`count(*)::int` })
    .from(policies)
    .groupBy(policies.namespace);
  const byNs = new Map(counts.map((c) => [c.namespace, c.n]));
  const general = new Set([...(active?.namespaces ?? []), ...byNs.keys()]);
  general.delete(WARDEN_NAMESPACE);
  return [
    { namespace: WARDEN_NAMESPACE, builtIn: true, policies: byNs.get(WARDEN_NAMESPACE) ?? 0, inSchema: true },
    ...[...general].sort().map((ns) => ({ namespace: ns, builtIn: false, policies: byNs.get(ns) ?? 0, inSchema: active?.namespaces.includes(ns) ?? false })),
  ];
}

export type SchemaOverview = {
  active: SchemaVersionRow | null;
  namespaces: NamespaceSummary[];
  versions: SchemaVersionRow[];
};

/** What GET /api/v1/authz/schema and the schema page show: the version in force, the namespaces, the history. */
export async function getSchemaOverview(db: Executor): Promise<SchemaOverview> {
  const [versions, namespaces] = await Promise.all([listSchemaVersions(db), listNamespaces(db)]);
  // The active version is nearly always among the newest; fetch it on its own otherwise.
  let active = versions.find((v) => v.active) ?? null;
  if (!active) {
    const row = await getActiveSchema(db);
    if (row) {
      const { json: _json, createdBy: _by, ...rest } = row;
      active = { ...rest, createdByName: null, createdByEmail: null };
    }
  }
  return { active, namespaces, versions };
}
