-- A decision batch in one round trip (lib/audit/group-writer.ts, fast path). The writer hashes
-- the batch's audit events onto the chain head it expects (the last hash it wrote itself) and
-- sends everything at once; this function checks, under the same locks the two-step path takes
-- and in the same order (the batch's session rows in id order, then the chain lock), that every
-- precondition holds and that the head is still the expected one, and only then writes. If
-- anything differs (a revocation, an intent change, another instance's or a person's event on
-- the chain) it writes nothing and says why; the writer then runs the two-step path, which
-- reads the head and the preconditions first and decides each submission on what it finds.
-- Each statement of a PL/pgSQL function takes a fresh snapshot, so the checks after a lock see
-- what the previous lock holder committed.
CREATE OR REPLACE FUNCTION warden_commit_batch(
  p_expected_head text, p_now timestamptz,
  p_agents uuid[], p_credentials uuid[], p_lock_sessions uuid[], p_req_sessions uuid[], p_req_versions integer[],
  p_escalations json, p_decisions json, p_counters json, p_audit json)
RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE head text;
BEGIN
  PERFORM 1 FROM sessions s WHERE s.id = ANY(p_lock_sessions) ORDER BY s.id FOR NO KEY UPDATE;
  IF EXISTS (
    SELECT 1 FROM unnest(p_req_sessions, p_req_versions) AS r(id, v)
    LEFT JOIN sessions s ON s.id = r.id
    WHERE s.id IS NULL OR s.status <> 'active' OR s.expires_at <= p_now OR (r.v IS NOT NULL AND s.intent_version <> r.v)
  ) THEN
    RETURN 'precondition';
  END IF;
  IF (SELECT count(*) FROM agents a WHERE a.id = ANY(p_agents) AND a.status = 'active') <> cardinality(p_agents) THEN
    RETURN 'precondition';
  END IF;
  IF (SELECT count(*) FROM credentials c WHERE c.id = ANY(p_credentials) AND c.revoked_at IS NULL
        AND (c.expires_at IS NULL OR c.expires_at > p_now)) <> cardinality(p_credentials) THEN
    RETURN 'precondition';
  END IF;
  PERFORM pg_advisory_xact_lock(1096107092);
  SELECT a.hash INTO head FROM audit_events a ORDER BY a.seq DESC LIMIT 1;
  IF coalesce(head, repeat('0', 64)) <> p_expected_head THEN
    RETURN 'head';
  END IF;
  PERFORM warden_write_batch(p_escalations, p_decisions, p_counters, p_audit);
  RETURN 'ok';
END
$$;
