import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents";
import { createdAt, id, tz, updatedAt } from "./columns";
import { actorKindEnum, findingStatusEnum, severityEnum, trustKindEnum } from "./enums";
import { users } from "./people";

export const policies = pgTable(
  "policies",
  {
    id: id(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    enabled: boolean("enabled").notNull().default(true),
    // Shipped with Warden (guardrails) vs written by the organisation.
    builtIn: boolean("built_in").notNull().default(false),
    activeVersion: integer("active_version"),
    // Cedar namespace the policy is written for. `Warden` is the agent schema; any other is a
    // general namespace of the active authz schema, and never reaches agent decisions.
    namespace: text("namespace").notNull().default("Warden"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("policies_name_key").on(t.name),
    // the per-namespace load (agent engine: 'Warden'; validation of a general namespace)
    index("policies_namespace_idx").on(t.namespace),
  ],
);

export const policyVersions = pgTable(
  "policy_versions",
  {
    id: id(),
    policyId: uuid("policy_id")
      .notNull()
      .references(() => policies.id),
    version: integer("version").notNull(),
    cedar: text("cedar").notNull(),
    // A matching forbid escalates to a person instead of denying.
    onForbid: text("on_forbid").notNull().default("deny"), // deny | escalate
    comment: text("comment").notNull().default(""),
    createdBy: uuid("created_by"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("policy_versions_key").on(t.policyId, t.version)],
);

export const findings = pgTable(
  "findings",
  {
    id: id(),
    kind: text("kind").notNull(), // e.g. intent_drift, standing_secret, unmanaged_connector
    severity: severityEnum("severity").notNull(),
    status: findingStatusEnum("status").notNull().default("open"),
    title: text("title").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    agentId: uuid("agent_id").references(() => agents.id),
    sessionId: uuid("session_id"),
    connectorId: uuid("connector_id"),
    credentialId: uuid("credential_id"),
    decisionId: uuid("decision_id"),
    frameworkRefs: jsonb("framework_refs").$type<string[]>().notNull().default([]),
    assigneeId: uuid("assignee_id").references(() => users.id),
    // Same condition seen again bumps occurrences instead of a new row.
    dedupeKey: text("dedupe_key"),
    occurrences: integer("occurrences").notNull().default(1),
    firstSeenAt: tz("first_seen_at").notNull().defaultNow(),
    lastSeenAt: tz("last_seen_at").notNull().defaultNow(),
    resolvedAt: tz("resolved_at"),
    resolutionNote: text("resolution_note"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("findings_dedupe_key").on(t.dedupeKey),
    index("findings_status_idx").on(t.status, t.severity, t.lastSeenAt),
    index("findings_agent_idx").on(t.agentId),
  ],
);

// Append-only and hash-chained: hash = sha256(prevHash || canonical(event)). UPDATE, DELETE and
// TRUNCATE are refused by triggers in the migrations. `seq` orders the chain.
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: uuid("id").notNull().defaultRandom(),
    occurredAt: tz("occurred_at").notNull(),
    actorKind: actorKindEnum("actor_kind").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(), // e.g. agent.created, credential.revoked, decision.allow
    targetKind: text("target_kind"),
    targetId: text("target_id"),
    agentId: uuid("agent_id"),
    sessionId: uuid("session_id"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    requestId: text("request_id"),
    ip: text("ip"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("audit_events_id_key").on(t.id),
    // audit trail filters
    index("audit_events_time_idx").on(t.occurredAt),
    index("audit_events_actor_idx").on(t.actorId, t.occurredAt),
    // Not for decision events (the bulk of the log, each found through its decision's id):
    // looked up by target only for other kinds (a report export by its digest). One index
    // entry less for every decision.
    index("audit_events_target_idx").on(t.targetKind, t.targetId).where(sql`${t.targetKind} <> 'decision'`),
    index("audit_events_agent_idx").on(t.agentId, t.occurredAt),
    index("audit_events_session_idx").on(t.sessionId),
  ],
);

// Workload identity trust: which issuers / SPIFFE trust domains may vouch for agents.
export const trustConfigs = pgTable(
  "trust_configs",
  {
    id: id(),
    name: text("name").notNull(),
    kind: trustKindEnum("kind").notNull(),
    issuer: text("issuer"),
    trustDomain: text("trust_domain"),
    jwks: jsonb("jwks").$type<{ keys: Record<string, unknown>[] }>(),
    jwksUrl: text("jwks_url"),
    audience: text("audience").notNull(),
    algorithms: jsonb("algorithms").$type<string[]>().notNull().default(["RS256", "ES256", "EdDSA"]),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("trust_configs_name_key").on(t.name)],
);

