import { index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tz, updatedAt } from "./columns";
import { agentStatusEnum, identityKindEnum, riskTierEnum } from "./enums";
import { users } from "./people";

/** The most an agent may ever be allowed to do; every intent must fit inside it. */
export type Envelope = {
  actions: string[]; // connector:tool.operation patterns with * wildcards
  resources?: string[];
  maxSensitivity: "public" | "internal" | "confidential" | "restricted";
  destinations?: string[];
  maxTtlSeconds: number;
};

export const agents = pgTable(
  "agents",
  {
    id: id(),
    name: text("name").notNull(),
    // SPIFFE ID (spiffe://domain/path), OIDC subject, or a key-only name.
    identity: text("identity").notNull(),
    identityKind: identityKindEnum("identity_kind").notNull(),
    team: text("team").notNull(),
    ownerId: uuid("owner_id").references(() => users.id),
    purpose: text("purpose").notNull().default(""),
    riskTier: riskTierEnum("risk_tier").notNull(),
    status: agentStatusEnum("status").notNull().default("active"),
    statusReason: text("status_reason"),
    statusChangedAt: tz("status_changed_at"),
    statusChangedBy: uuid("status_changed_by"),
    envelope: jsonb("envelope").$type<Envelope>().notNull(),
    labels: jsonb("labels").$type<Record<string, string>>().notNull().default({}),
    lastSeenAt: tz("last_seen_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // duplicate-name check and lookup by name
    uniqueIndex("agents_name_key").on(t.name),
    // workload token sub -> agent on the decision path
    uniqueIndex("agents_identity_key").on(t.identity),
    // inventory search (ILIKE '%q%') on name / identity / team stays fast at 100k rows
    index("agents_search_trgm").using("gin", t.name.op("gin_trgm_ops"), t.identity.op("gin_trgm_ops"), t.team.op("gin_trgm_ops")),
    // inventory filters and default sort
    index("agents_status_idx").on(t.status, t.name),
    index("agents_team_idx").on(t.team, t.name),
    index("agents_risk_idx").on(t.riskTier, t.name),
    index("agents_owner_idx").on(t.ownerId),
    index("agents_created_idx").on(t.createdAt, t.id),
    // Sorted pages walk these (index-only, ids first) so a deep page stays cheap at 100k rows.
    index("agents_name_page_idx").on(t.name, t.id),
    index("agents_team_page_idx").on(t.team, t.id),
    index("agents_risk_page_idx").on(t.riskTier, t.id),
    index("agents_status_page_idx").on(t.status, t.id),
    index("agents_last_seen_page_idx").on(t.lastSeenAt, t.id),
    index("agents_last_seen_desc_page_idx").on(t.lastSeenAt.desc().nullsLast(), t.id.desc()),
  ],
);
