// Which framework items each kind of finding relates to. The notation (OWASP-ASI03,
// OWASP-NHI7, NIST-AI-RMF:GOVERN-1.6, CSA-MAESTRO:L7) is the one the demo seed and the finding
// pages use; the catalog of record is ../shared/reference/frameworks.json.
export const FINDING_REFS: Record<string, string[]> = {
  intent_drift: ["OWASP-ASI01", "OWASP-LLM01", "NIST-AI-RMF:MEASURE-2.4", "CSA-MAESTRO:L7"],
  retry_after_deny: ["OWASP-ASI02", "OWASP-ASI10", "NIST-AI-RMF:MANAGE-2.4"],
  unmanaged_connector: ["OWASP-ASI04", "OWASP-LLM03", "NIST-AI-RMF:GOVERN-1.6", "NIST-AI-RMF:MANAGE-3.1", "CSA-MAESTRO:L7"],
  standing_secret: ["OWASP-NHI7", "OWASP-ASI03", "NIST-AI-RMF:GOVERN-1.6"],
  stale_credential: ["OWASP-NHI1", "OWASP-NHI7", "NIST-AI-RMF:GOVERN-1.7"],
  privilege_accumulation: ["OWASP-ASI03", "OWASP-NHI5", "OWASP-LLM06", "NIST-AI-RMF:MANAGE-2.4"],
  delegation_widening: ["OWASP-ASI03", "OWASP-ASI07", "CSA-MAESTRO:L7"],
  over_scoped_credential: ["OWASP-NHI5", "OWASP-ASI03", "NIST-AI-RMF:MANAGE-2.4"],
  unmanaged_connector_credential: ["OWASP-ASI04", "OWASP-NHI5", "NIST-AI-RMF:GOVERN-1.6"],
  foreign_credential: ["OWASP-NHI2", "OWASP-NHI4", "OWASP-ASI03"],
  unknown_workload_identity: ["OWASP-ASI03", "OWASP-NHI4"],
  goal_change_risk: ["OWASP-ASI01", "OWASP-LLM01", "NIST-AI-RMF:MEASURE-2.4", "CSA-MAESTRO:L7"],
  high_risk_low_tier: ["OWASP-ASI01", "OWASP-ASI03", "OWASP-LLM06", "NIST-AI-RMF:MANAGE-2.4"],
  // A tool call seen in the agent's own traces that never asked Warden (OTLP ingest).
  unchecked_tool_call: ["OWASP-ASI02", "OWASP-ASI03", "NIST-AI-RMF:MEASURE-2.4", "CSA-MAESTRO:L7"],
  activity_burst: ["OWASP-ASI10", "OWASP-ASI08", "OWASP-LLM10", "NIST-AI-RMF:MEASURE-2.4"],
  // Identity hygiene (lib/services/findings/identity-hygiene.ts): an agent nobody owns or uses any
  // more is improper offboarding (NHI1, GOVERN 1.7); one nobody owns is also a gap in the
  // inventory's accountability (GOVERN 1.6); a key never rotated is a long-lived secret (NHI7).
  agent_orphaned: ["OWASP-NHI1", "NIST-AI-RMF:GOVERN-1.6", "NIST-AI-RMF:GOVERN-1.7"],
  agent_dormant: ["OWASP-NHI1", "OWASP-NHI7", "NIST-AI-RMF:GOVERN-1.7"],
  agent_key_stale: ["OWASP-NHI7", "OWASP-ASI03"],
  // The audit log itself (docs/audit-log.md): a broken chain, a rollback, a witness not reached.
  audit_log_broken: ["NIST-AI-RMF:MEASURE-2.8", "NIST-AI-RMF:MANAGE-4.3", "CSA-MAESTRO:L5"],
  audit_log_rolled_back: ["NIST-AI-RMF:MEASURE-2.8", "NIST-AI-RMF:MANAGE-4.3", "CSA-MAESTRO:L5"],
  audit_witness_unreachable: ["NIST-AI-RMF:MEASURE-2.8", "CSA-MAESTRO:L5"],
  // Seen as a witness for another log: it presented a checkpoint that rewrites what was cosigned.
  witnessed_log_inconsistent: ["NIST-AI-RMF:MEASURE-2.8", "NIST-AI-RMF:MANAGE-4.3", "CSA-MAESTRO:L5"],
};
