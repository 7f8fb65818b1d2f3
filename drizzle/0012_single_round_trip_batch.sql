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
DECLARE
  head text;
  held boolean;
BEGIN
  -- The same checks as the two-step path (warden_batch_preconditions, migration 0010: it locks
  -- the sessions in id order), read here as "all of them hold"; no grants on this path.
  WITH found AS (SELECT * FROM warden_batch_preconditions(p_agents, p_credentials, p_lock_sessions, p_now, '{}'::uuid[]))
  SELECT (SELECT count(*) FROM found WHERE kind = 'a') = cardinality(p_agents)
     AND (SELECT count(*) FROM found WHERE kind = 'c') = cardinality(p_credentials)
     AND NOT EXISTS (
       SELECT 1 FROM unnest(p_req_sessions, p_req_versions) AS r(id, v)
       WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.kind = 's' AND f.ref = r.id::text AND (r.v IS NULL OR f.version = r.v)))
    INTO held;
  IF NOT held THEN
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
