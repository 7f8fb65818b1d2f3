import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents";
import { createdAt, id, tz } from "./columns";
import { decisionOutcomeEnum, escalationKindEnum, escalationStatusEnum, grantScopeEnum, riskTierEnum, sensitivityEnum, voteEnum } from "./enums";
import { users } from "./people";
import { sessions } from "./sessions";

export type Reason = { code: string; message: string; policyId?: string };
export type DiffEntry = { field: string; declared: unknown; actual: unknown };
export type ActionShape = {
  connector: string;
  tool: string;
  operation: string;
  resource?: string;
  sensitivity?: string;
  destination?: string;
};

// One row per tool-call decision. Append-only (trigger in the migrations).
// No foreign keys on purpose (migration 0006): this is the hottest insert in Warden, and three
// per-row key checks cost a quarter of its database time. The group writer checks, in the same
// transaction, that the agent and session exist and are active before anything but a deny is
// written; denies carry ids read moments before; and nothing ever deletes an agent, a session
// or a connector.
export const decisions = pgTable(
  "decisions",
  {
    id: id(),
    sessionId: uuid("session_id"),
    agentId: uuid("agent_id"),
    connectorId: uuid("connector_id"),
    connector: text("connector").notNull(),
    tool: text("tool").notNull(),
    operation: text("operation").notNull(),
    resource: text("resource"),
    sensitivity: sensitivityEnum("sensitivity"),
    destination: text("destination"),
    argsDigest: text("args_digest"),
    argsPreview: jsonb("args_preview"),
    outcome: decisionOutcomeEnum("outcome").notNull(),
    reasons: jsonb("reasons").$type<Reason[]>().notNull().default([]),
    diff: jsonb("diff").$type<DiffEntry[]>(),
    policyVersion: text("policy_version"),
    escalationId: uuid("escalation_id"),
    grantId: uuid("grant_id"),
    latencyUs: integer("latency_us"),
    createdAt: createdAt(),
  },
  (t) => [
    // session timeline
    index("decisions_session_idx").on(t.sessionId, t.createdAt),
    // overview charts by time and outcome
    index("decisions_created_idx").on(t.createdAt, t.outcome),
    // per-agent drift and "connectors this agent used"
    index("decisions_agent_idx").on(t.agentId, t.createdAt),
    index("decisions_connector_idx").on(t.connectorId, t.createdAt),
  ],
);

// Decisions counted per minute, agent, connector and outcome (drift: how many carried an
// intent-vs-action diff). The overview reads these instead of the decision rows, so its cost
// follows the minutes in its range, not the decisions in them: at 1,000 decisions/s a day is 86
// million rows, and counting them on every refresh took the database from the decision path
// (docs/benchmarks.md, soak). Kept by a statement trigger on decisions, in the inserting
// transaction, whatever path writes them (migration 0020). A decision with no agent counts
// under the nil UUID.
export const decisionMinutes = pgTable(
  "decision_minutes",
  {
    minute: tz("minute").notNull(),
    agentId: uuid("agent_id").notNull(),
    connector: text("connector").notNull(),
    outcome: decisionOutcomeEnum("outcome").notNull(),
    n: integer("n").notNull(),
    drift: integer("drift").notNull(),
  },
  (t) => [primaryKey({ columns: [t.minute, t.agentId, t.connector, t.outcome] })],
);

export const escalations = pgTable(
  "escalations",
  {
    id: id(),
    kind: escalationKindEnum("kind").notNull(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id),
    decisionId: uuid("decision_id"),
    // The exact action (or intent) a grant will be bound to, and its canonical hash.
    action: jsonb("action").$type<ActionShape | Record<string, unknown>>().notNull(),
    actionHash: text("action_hash").notNull(),
    risk: riskTierEnum("risk").notNull(),
    requiredApprovals: integer("required_approvals").notNull().default(1),
    reasons: jsonb("reasons").$type<Reason[]>().notNull().default([]),
    diff: jsonb("diff").$type<DiffEntry[]>(),
    status: escalationStatusEnum("status").notNull().default("pending"),
    requestedBy: text("requested_by"),
    expiresAt: tz("expires_at").notNull(),
    resolvedAt: tz("resolved_at"),
    resolution: text("resolution"),
    // The grant an approval created (action escalations), so the agent's answer can name it.
    grantId: uuid("grant_id"),
    createdAt: createdAt(),
  },
  (t) => [
    // approver queue: pending first, oldest first
    index("escalations_queue_idx").on(t.status, t.createdAt),
    index("escalations_session_idx").on(t.sessionId),
  ],
);

export const escalationVotes = pgTable(
  "escalation_votes",
  {
    id: id(),
    escalationId: uuid("escalation_id")
      .notNull()
      .references(() => escalations.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    vote: voteEnum("vote").notNull(),
    scope: grantScopeEnum("scope"),
    reason: text("reason").notNull(),
    createdAt: createdAt(),
  },
  // one vote per person per escalation (two-approver rule counts distinct people)
  (t) => [uniqueIndex("escalation_votes_user_key").on(t.escalationId, t.userId)],
);

export const grants = pgTable(
  "grants",
  {
    id: id(),
    escalationId: uuid("escalation_id")
      .notNull()
      .references(() => escalations.id),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id),
    actionHash: text("action_hash").notNull(),
    scope: grantScopeEnum("scope").notNull(),
    usesLeft: integer("uses_left"), // null = unlimited until expiry (scope "session")
    expiresAt: tz("expires_at").notNull(),
    consumedAt: tz("consumed_at"),
    // Ended early: the session's credentials were revoked, or a person withdrew it.
    revokedAt: tz("revoked_at"),
    createdAt: createdAt(),
  },
  // grant lookup on the decision path
  (t) => [index("grants_lookup_idx").on(t.sessionId, t.actionHash)],
);
