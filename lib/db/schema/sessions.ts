import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { agents } from "./agents";
import { createdAt, id, tz } from "./columns";
import { intentStatusEnum, sessionStatusEnum } from "./enums";

/** What an agent declares it is doing (design.md "Intent"). */
export type Intent = {
  goal: string;
  actions: string[];
  resources?: string[];
  maxSensitivity: "public" | "internal" | "confidential" | "restricted";
  destinations?: string[];
  ttlSeconds: number;
};

export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id),
    parentSessionId: uuid("parent_session_id").references((): AnyPgColumn => sessions.id),
    status: sessionStatusEnum("status").notNull(),
    // Current accepted intent (denormalised from session_intents for the hot path).
    intentVersion: integer("intent_version").notNull().default(1),
    intent: jsonb("intent").$type<Intent>().notNull(),
    goal: text("goal").notNull(),
    startedAt: tz("started_at").notNull().defaultNow(),
    expiresAt: tz("expires_at").notNull(),
    endedAt: tz("ended_at"),
    endReason: text("end_reason"),
    lastActivityAt: tz("last_activity_at"),
    decisionCount: integer("decision_count").notNull().default(0),
    denyCount: integer("deny_count").notNull().default(0),
    escalationCount: integer("escalation_count").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    // agent page "recent sessions"
    index("sessions_agent_idx").on(t.agentId, t.startedAt),
    // live sessions list
    index("sessions_started_idx").on(t.startedAt, t.id),
    index("sessions_status_idx").on(t.status, t.startedAt),
    index("sessions_parent_idx").on(t.parentSessionId),
  ],
);

export const sessionIntents = pgTable(
  "session_intents",
  {
    id: id(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    version: integer("version").notNull(),
    intent: jsonb("intent").$type<Intent>().notNull(),
    status: intentStatusEnum("status").notNull(),
    // Which fields widened/narrowed relative to the previous version.
    diff: jsonb("diff").$type<{ field: string; before: unknown; after: unknown }[]>(),
    requestedBy: text("requested_by").notNull(), // agent:<id> or person:<id>
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("session_intents_version_key").on(t.sessionId, t.version)],
);
