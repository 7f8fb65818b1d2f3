import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents";
import { createdAt, id, tz } from "./columns";
import { connectors } from "./connectors";
import { credentialKindEnum } from "./enums";
import { sessions } from "./sessions";

export type CredentialScope = { operations?: string[]; resources?: string[] };

export const credentials = pgTable(
  "credentials",
  {
    id: id(),
    kind: credentialKindEnum("kind").notNull(),
    name: text("name").notNull(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id),
    connectorId: uuid("connector_id").references(() => connectors.id),
    // Set for just-in-time credentials issued for one session.
    sessionId: uuid("session_id").references(() => sessions.id),
    // true = issued per task with a short TTL; false = standing.
    jit: boolean("jit").notNull().default(false),
    scope: jsonb("scope").$type<CredentialScope>().notNull().default({}),
    // SHA-256 hex of secrets Warden issued. Null for standing secrets recorded only for
    // inventory (the secret lives elsewhere).
    secretHash: text("secret_hash"),
    prefix: text("prefix"),
    issuedAt: tz("issued_at").notNull().defaultNow(),
    expiresAt: tz("expires_at"),
    lastUsedAt: tz("last_used_at"),
    revokedAt: tz("revoked_at"),
    revokedBy: uuid("revoked_by"),
    revokedByKind: text("revoked_by_kind"), // person | agent | system
    revokeReason: text("revoke_reason"),
    createdBy: uuid("created_by"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    // credential check on every use (bootstrap key auth, introspection)
    uniqueIndex("credentials_secret_key").on(t.secretHash),
    index("credentials_agent_idx").on(t.agentId, t.issuedAt),
    index("credentials_connector_idx").on(t.connectorId),
    index("credentials_session_idx").on(t.sessionId),
    // inventory list default sort and the sweeper's expiry scan
    index("credentials_issued_idx").on(t.issuedAt, t.id),
    index("credentials_expires_idx").on(t.expiresAt, t.id),
    // Sorted pages (ids first, see lib/db/queries/list.ts); nullable columns sort nulls last.
    index("credentials_expires_desc_idx").on(t.expiresAt.desc().nullsLast(), t.id.desc()),
    index("credentials_last_used_idx").on(t.lastUsedAt, t.id),
    index("credentials_last_used_desc_idx").on(t.lastUsedAt.desc().nullsLast(), t.id.desc()),
    index("credentials_name_page_idx").on(t.name, t.id),
    index("credentials_search_trgm").using("gin", t.name.op("gin_trgm_ops"), t.prefix.op("gin_trgm_ops")),
  ],
);
