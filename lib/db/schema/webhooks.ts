import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tz, updatedAt } from "./columns";
import { escalations } from "./decisions";
import { riskTierEnum } from "./enums";
import { users } from "./people";

// Outgoing webhooks that tell a team about new escalations. The signing secret must be usable
// to sign (HMAC), so it cannot be a one-way hash like other secrets: it is stored encrypted
// (AES-256-GCM under a key derived from the app secret) and shown to the admin once.
export const webhooks = pgTable(
  "webhooks",
  {
    id: id(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    secretEnc: text("secret_enc").notNull(),
    // Last four characters, so people can tell secrets apart without seeing one.
    secretHint: text("secret_hint").notNull(),
    // Only escalations of agents in this team (null: every team).
    team: text("team"),
    // Only escalations at or above this risk (null: all).
    minRisk: riskTierEnum("min_risk"),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("webhooks_name_key").on(t.name)],
);

// One row per (webhook, escalation, event): inserting it claims the delivery, so with many app
// instances exactly one sends it. Retried with backoff until it succeeds or runs out of attempts.
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id),
    escalationId: uuid("escalation_id")
      .notNull()
      .references(() => escalations.id),
    event: text("event").notNull(),
    status: text("status").notNull().default("pending"), // pending | sent | failed
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    nextAttemptAt: tz("next_attempt_at").notNull().defaultNow(),
    deliveredAt: tz("delivered_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_key").on(t.webhookId, t.escalationId, t.event),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  ],
);
