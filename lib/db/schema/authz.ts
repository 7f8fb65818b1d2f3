import { sql } from "drizzle-orm";
import { boolean, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./columns";

// The general Cedar schema (issue 22): one document holding every general namespace (never
// `Warden`, whose schema is compiled into the code), versioned as a whole. At most one version is
// active; general policies are validated against it and it only changes under the policy lock.
export const authzSchemaVersions = pgTable(
  "authz_schema_versions",
  {
    id: id(),
    version: integer("version").notNull(),
    cedar: text("cedar").notNull(),
    // schemaToJson's output for `cedar`, cached so readers never reparse the text.
    json: jsonb("json").$type<Record<string, unknown>>().notNull(),
    namespaces: text("namespaces").array().notNull().default(sql`'{}'::text[]`),
    comment: text("comment").notNull().default(""),
    createdBy: uuid("created_by"),
    createdAt: createdAt(),
    active: boolean("active").notNull().default(false),
  },
  (t) => [
    // next version number and look-up by version (the console's version list)
    uniqueIndex("authz_schema_versions_version_key").on(t.version),
    // "the active schema": every general policy write and every activation reads it
    uniqueIndex("authz_schema_versions_active_key").on(t.active).where(sql`${t.active}`),
  ],
);

export type AuthzSchemaVersion = typeof authzSchemaVersions.$inferSelect;
