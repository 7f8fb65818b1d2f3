// Warden's controls: what each one does, in one reviewable list. The framework mapping
// (./mapping.ts) says which items each addresses; the report builder (lib/reports/build.ts)
// decides from the database whether each is in force and what evidence it left.
import { GUARDRAILS } from "@/lib/policy/cedar/guardrails";
import { FINDING_REFS } from "@/lib/frameworks/finding-refs";

export type ControlKind = "preventive" | "detective" | "responsive";

export type ControlDef = { id: string; name: string; does: string; kind: ControlKind };

/** One sentence per detector: what makes it raise a finding (kinds as in FINDING_REFS). */
export const DETECTORS: Record<keyof typeof FINDING_REFS, { name: string; how: string; runs: "sweeper" | "hygiene" | "inline" | "audit-log" }> = {
  intent_drift: { name: "Intent drift detector", how: "Raises a finding when a session keeps calling outside its declared intent.", runs: "sweeper" },
  retry_after_deny: { name: "Retry-after-deny detector", how: "Raises a finding when an agent repeats a call soon after it was denied, a sign of probing.", runs: "sweeper" },
  unmanaged_connector: { name: "Unmanaged connector use detector", how: "Raises a finding when a session uses a connector nobody registered.", runs: "sweeper" },
  standing_secret: { name: "Standing secret detector", how: "Raises a finding for long-lived secrets an agent holds instead of just-in-time credentials.", runs: "hygiene" },
  stale_credential: { name: "Stale credential detector", how: "Raises a finding for live credentials that have not been used for a long time and should be retired.", runs: "hygiene" },
  privilege_accumulation: { name: "Privilege accumulation detector", how: "Raises a finding when what a session may do has grown well past its first intent through approvals and widenings.", runs: "sweeper" },
  delegation_widening: { name: "Delegation widening detector", how: "Raises a finding when a delegated (child) session tries to do more than its parent allows.", runs: "sweeper" },
  over_scoped_credential: { name: "Over-scoped credential detector", how: "Raises a finding for credentials whose scope covers operations the agent has not used.", runs: "hygiene" },
  unmanaged_connector_credential: { name: "Unmanaged connector credential detector", how: "Raises a finding for credentials held for a connector nobody registered.", runs: "hygiene" },
  foreign_credential: { name: "Foreign credential detector", how: "Raises a finding when a key or token Warden never issued is presented to it.", runs: "inline" },
  unknown_workload_identity: { name: "Unknown workload identity detector", how: "Raises a finding when a trusted issuer vouches for a workload that is not a registered agent.", runs: "inline" },
  goal_change_risk: { name: "Risky goal change detector", how: "Raises a finding when a session's intent is changed towards more sensitive data or wider destinations.", runs: "sweeper" },
  high_risk_low_tier: { name: "High-risk call on low-tier agent detector", how: "Raises a finding when restricted data or a forbidden action reaches an agent whose risk tier says it should not.", runs: "sweeper" },
  activity_burst: { name: "Activity burst detector", how: "Raises a finding when an agent's calls per minute jump far above its usual rate.", runs: "sweeper" },
  audit_log_broken: { name: "Audit log integrity check", how: "Raises a critical finding when an audit event no longer links to the one before it, so the trail was changed in the database.", runs: "audit-log" },
  audit_log_rolled_back: { name: "Audit log rollback check", how: "Raises a critical finding and refuses to sign when the log no longer extends its last signed or witnessed checkpoint (a rollback, cut or rewrite).", runs: "audit-log" },
  audit_witness_unreachable: { name: "Audit witness check", how: "Raises a finding and records a gap in the log when a checkpoint could not be copied to its witness folder or cosigned by its HTTP witness; resolves it when the witness has caught up.", runs: "audit-log" },
  witnessed_log_inconsistent: { name: "Witnessed log consistency check", how: "As a witness for another log, refuses to cosign and raises a critical finding when that log presents a checkpoint that does not extend the one cosigned before.", runs: "audit-log" },
  agent_orphaned: { name: "Orphaned agent detector", how: "Raises a finding for an agent that is not retired but whose owner is disabled or missing, or that has no owner; resolves when an active owner is assigned or the agent is retired.", runs: "hygiene" },
  agent_dormant: { name: "Dormant agent detector", how: "Raises a finding for an agent with no session for WARDEN_DORMANT_DAYS that still holds live credentials; resolves when it works again, its credentials are revoked or it is retired.", runs: "hygiene" },
  agent_key_stale: { name: "Stale agent key detector", how: "Raises a finding when a key older than WARDEN_KEY_MAX_AGE_DAYS is the only way a key-only agent authenticates; resolves when the key is rotated or revoked.", runs: "hygiene" },
  unchecked_tool_call: { name: "Unchecked tool call detector", how: "Raises a finding when an agent's own traces (OTLP) show a tool call that never asked Warden for a decision.", runs: "sweeper" },
};

export const DETECTOR_KINDS = Object.keys(DETECTORS) as (keyof typeof FINDING_REFS)[];
export const detectorControlId = (kind: string) => `detector.${kind}`;
export const guardrailControlId = (policyName: string) => `guardrail.${policyName}`;

/** The built-in guardrails that are controls of their own (the baseline permit is not: it permits). */
export const GUARDRAIL_CONTROLS = GUARDRAILS.filter((g) => g.id !== "baseline-permit");

export const CONTROLS: readonly ControlDef[] = [
  { id: "per-call-authorization", name: "Per-call authorization", kind: "preventive", does: "Every tool call is decided before it runs (POST /api/v1/authorize, or AuthZEN): allow, deny or escalate, inside the agent's baseline envelope, with machine-readable reasons; it fails closed." },
  { id: "intent-binding", name: "Intent binding", kind: "preventive", does: "Each session declares its intent (actions, resources, data sensitivity, destinations, time limit); calls outside it are denied or escalated with a field-by-field diff, and widening the intent needs a person." },
  { id: "delegation-containment", name: "Delegation containment", kind: "preventive", does: "A child session opened by another agent must stay inside its parent's intent and lifetime; anything wider is refused or escalated." },
  { id: "cedar-policies", name: "Policy guardrails (Cedar)", kind: "preventive", does: "Versioned Cedar policies decide what is never acceptable (forbid) or needs a person (escalate), on top of the intent check." },
  ...GUARDRAIL_CONTROLS.map((g) => ({ id: guardrailControlId(g.id), name: `Guardrail: ${g.title}`, kind: "preventive" as const, does: g.description })),
  { id: "workload-identity", name: "Workload identity", kind: "preventive", does: "Agents authenticate with SPIFFE JWT-SVIDs or OIDC tokens checked against configured trust (issuer or trust domain, JWKS, allowed algorithms, audience, expiry), or a hashed bootstrap key." },
  { id: "jit-credentials", name: "Just-in-time credentials", kind: "preventive", does: "Credentials are issued per session and scope with a short expiry, stored only as hashes, and checked against the intent before issue." },
  { id: "revocation", name: "Revocation", kind: "responsive", does: "Ending a session revokes its credentials and grants; people can revoke one credential or all of an agent's; agents revoke their own tokens (RFC 7009)." },
  { id: "agent-quarantine", name: "Agent quarantine", kind: "responsive", does: "Quarantining or retiring an agent makes every later decision for it a deny, at once." },
  { id: "approvals", name: "Approvals and separation of duties", kind: "preventive", does: "Escalations go to a person bound to the exact action; high-risk ones need two approvers, nobody approves their own agent or request, and an approval creates the narrowest grant." },
  { id: "people-roles", name: "Roles for people", kind: "preventive", does: "Four roles (admin, analyst, approver, auditor) with one capability table that every page and API call checks." },
  { id: "audit-chain", name: "Hash-chained audit trail", kind: "detective", does: "Every decision and every human action is appended to a hash-chained, append-only audit trail that can be verified end to end." },
  { id: "inventory", name: "Agent, connector and credential inventory", kind: "detective", does: "Every agent (owner, purpose, risk tier, envelope), connector (sensitivity, environment) and credential is recorded in one inventory." },
  { id: "unmanaged-connector-detection", name: "Unmanaged connector detection", kind: "detective", does: "A connector first seen in a tool call is recorded as unmanaged (shadow) and its calls are escalated or denied by default." },
  ...DETECTOR_KINDS.map((k) => ({ id: detectorControlId(k), name: DETECTORS[k].name, kind: "detective" as const, does: DETECTORS[k].how })),
  { id: "webhook-notification", name: "Webhook notification", kind: "responsive", does: "New escalations are sent to each matching team's webhook as signed JSON, so a person hears about them at once." },
];

const byId = new Map(CONTROLS.map((c) => [c.id, c]));
export function getControl(id: string): ControlDef | undefined {
  return byId.get(id);
}
