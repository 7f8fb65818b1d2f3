-- The decision writer's two statements as functions (lib/audit/group-writer.ts). A function's
-- statements are planned once per connection and then reused; sent as plain SQL, planning them
-- cost about a millisecond of database CPU per batch, which dominated at low load.

-- The batch's preconditions. Session rows (every session the batch touches) are locked in id
-- order, so two batches, or a batch and a person's change, can never deadlock on them.
CREATE OR REPLACE FUNCTION warden_batch_preconditions(p_agents uuid[], p_credentials uuid[], p_sessions uuid[], p_now timestamptz)
RETURNS TABLE (kind text, ref text, version integer) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY
    SELECT 'a'::text, a.id::text, 0 FROM agents a WHERE a.id = ANY(p_agents) AND a.status = 'active'
    UNION ALL
    SELECT 'c'::text, c.id::text, 0 FROM credentials c
      WHERE c.id = ANY(p_credentials) AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > p_now)
    UNION ALL
    SELECT 's'::text, s.id::text, s.intent_version FROM (
      SELECT s2.id, s2.status, s2.expires_at, s2.intent_version FROM sessions s2
      WHERE s2.id = ANY(p_sessions) ORDER BY s2.id FOR NO KEY UPDATE
    ) s WHERE s.status = 'active' AND s.expires_at > p_now;
END
$$;
--> statement-breakpoint
-- Escalations, decisions, session counters and audit events of one batch. The audit rows come
-- hashed (onto warden_chain_head(), taken earlier in the same transaction); they go in in the
-- order they were hashed, so seq follows the chain.
CREATE OR REPLACE FUNCTION warden_write_batch(p_escalations json, p_decisions json, p_counters json, p_audit json)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF json_array_length(p_escalations) > 0 THEN
    INSERT INTO escalations (id, kind, session_id, agent_id, decision_id, action, action_hash, risk, required_approvals, reasons, diff, status, requested_by, expires_at, created_at)
    SELECT e.id, e.kind, e.session_id, e.agent_id, e.decision_id, e.action, e.action_hash, e.risk, e.required_approvals, e.reasons, e.diff, e.status, e.requested_by, e.expires_at, e.created_at
    FROM json_populate_recordset(NULL::escalations, p_escalations) e;
  END IF;
  INSERT INTO decisions (id, session_id, agent_id, connector_id, connector, tool, operation, resource, sensitivity, destination, args_digest, args_preview, outcome, reasons, diff, policy_version, escalation_id, grant_id, latency_us, created_at)
  SELECT d.id, d.session_id, d.agent_id, d.connector_id, d.connector, d.tool, d.operation, d.resource, d.sensitivity, d.destination, d.args_digest, d.args_preview, d.outcome, d.reasons, d.diff, d.policy_version, d.escalation_id, d.grant_id, d.latency_us, d.created_at
  FROM json_populate_recordset(NULL::decisions, p_decisions) d;
  UPDATE sessions t SET
    decision_count = t.decision_count + c.n,
    deny_count = t.deny_count + c.deny,
    escalation_count = t.escalation_count + c.esc,
    last_activity_at = greatest(t.last_activity_at, c.last)
  FROM json_to_recordset(p_counters) AS c(id uuid, n integer, deny integer, esc integer, last timestamptz)
  WHERE t.id = c.id;
  INSERT INTO audit_events (id, occurred_at, actor_kind, actor_id, actor_label, action, target_kind, target_id, agent_id, session_id, detail, request_id, ip, prev_hash, hash)
  SELECT r."id", r."occurredAt", r."actorKind", r."actorId", r."actorLabel", r."action", r."targetKind", r."targetId", r."agentId", r."sessionId", r."detail", r."requestId", r."ip", r."prevHash", r."hash"
  FROM ROWS FROM (json_to_recordset(p_audit) AS (
    "id" uuid, "occurredAt" timestamptz, "actorKind" actor_kind, "actorId" text, "actorLabel" text, "action" text,
    "targetKind" text, "targetId" text, "agentId" uuid, "sessionId" uuid, "detail" jsonb, "requestId" text, "ip" text,
    "prevHash" text, "hash" text
  )) WITH ORDINALITY AS r("id", "occurredAt", "actorKind", "actorId", "actorLabel", "action", "targetKind", "targetId", "agentId", "sessionId", "detail", "requestId", "ip", "prevHash", "hash", ord)
  ORDER BY r.ord;
END
$$;
