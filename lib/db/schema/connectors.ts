import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tz, updatedAt } from "./columns";
import { connectorKindEnum, sensitivityEnum } from "./enums";
import { users } from "./people";

export type ToolOperation = { name: string; access: "read" | "write" | "delete" | "admin" };

export const connectors = pgTable(
  "connectors",
  {
    id: id(),
    // Slug used in action patterns: `github` in `github:issues.read`.
    name: text("name").notNull(),
    displayName: text("display_name").notNull(),
    kind: connectorKindEnum("kind").notNull(),
    // false = shadow connector first seen in a tool call, nobody registered it.
    managed: boolean("managed").notNull().default(true),
    sensitivity: sensitivityEnum("sensitivity").notNull(),
    environment: text("environment").notNull().default("production"),
    ownerId: uuid("owner_id").references(() => users.id),
    ownerTeam: text("owner_team"),
    description: text("description").notNull().default(""),
    endpoint: text("endpoint"),
    // Backend settings for JIT credentials (e.g. database admin URL); never returned by reads.
    config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
    firstSeenAt: tz("first_seen_at"),
    lastSeenAt: tz("last_seen_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("connectors_name_key").on(t.name),
    index("connectors_search_trgm").using("gin", t.name.op("gin_trgm_ops"), t.displayName.op("gin_trgm_ops")),
    index("connectors_kind_idx").on(t.kind, t.name),
    index("connectors_managed_idx").on(t.managed, t.name),
    // Sorted pages (ids first, see lib/db/queries/list.ts)
    index("connectors_name_page_idx").on(t.name, t.id),
    index("connectors_kind_page_idx").on(t.kind, t.id),
    index("connectors_sensitivity_page_idx").on(t.sensitivity, t.id),
    index("connectors_created_page_idx").on(t.createdAt, t.id),
    index("connectors_last_seen_page_idx").on(t.lastSeenAt, t.id),
    index("connectors_last_seen_desc_page_idx").on(t.lastSeenAt.desc().nullsLast(), t.id.desc()),
  ],
);

export const connectorTools = pgTable(
  "connector_tools",
  {
    id: id(),
    connectorId: uuid("connector_id")
      .notNull()
      .references(() => connectors.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    operations: jsonb("operations").$type<ToolOperation[]>().notNull().default([]),
    // Overrides the connector's sensitivity for this tool when set.
    sensitivity: sensitivityEnum("sensitivity"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("connector_tools_name_key").on(t.connectorId, t.name)],
);
