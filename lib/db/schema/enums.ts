import { pgEnum } from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("role", ["admin", "analyst", "approver", "auditor"]);
export const riskTierEnum = pgEnum("risk_tier", ["low", "medium", "high"]);
export const agentStatusEnum = pgEnum("agent_status", ["active", "quarantined", "retired"]);
export const identityKindEnum = pgEnum("identity_kind", ["spiffe", "oidc", "key"]);
// Ordered ladder: public < internal < confidential < restricted (see lib/policy/sensitivity.ts).
export const sensitivityEnum = pgEnum("sensitivity", ["public", "internal", "confidential", "restricted"]);
export const connectorKindEnum = pgEnum("connector_kind", [
  "mcp_server",
  "saas_api",
  "database",
  "object_storage",
  "messaging",
  "internal_api",
  "other",
]);
export const credentialKindEnum = pgEnum("credential_kind", [
  "bootstrap_key",
  "api_key",
  "oauth_token",
  "database_role",
  "cloud_key",
  "ssh_key",
  "other",
]);
export const sessionStatusEnum = pgEnum("session_status", ["pending", "active", "ended", "expired", "denied"]);
export const intentStatusEnum = pgEnum("intent_status", ["accepted", "pending", "rejected"]);
export const decisionOutcomeEnum = pgEnum("decision_outcome", ["allow", "deny", "escalate"]);
export const escalationKindEnum = pgEnum("escalation_kind", ["action", "intent_change", "session_open"]);
export const escalationStatusEnum = pgEnum("escalation_status", ["pending", "approved", "denied", "expired"]);
export const grantScopeEnum = pgEnum("grant_scope", ["once", "session", "amend_intent"]);
export const voteEnum = pgEnum("vote", ["approve", "deny"]);
export const severityEnum = pgEnum("severity", ["info", "low", "medium", "high", "critical"]);
export const findingStatusEnum = pgEnum("finding_status", ["open", "acknowledged", "resolved"]);
export const actorKindEnum = pgEnum("actor_kind", ["person", "agent", "system"]);
export const trustKindEnum = pgEnum("trust_kind", ["spiffe", "oidc"]);
