-- The change feed (migrations 0008 and 0013) sends one NOTIFY per statement that appends audit
-- events, and every listening app instance wakes for each. The decision writer's one-round-trip
-- batches are nearly all of those statements: hundreds a second under load. Those batches now
-- skip the trigger, and the writer sends the notice itself, coalesced to at most one per 100 ms
-- (lib/audit/feed-coalescer.ts): carried by a batch when one is due, in the same transaction
-- (so it is delivered exactly when the rows it names are committed), otherwise by a timer.
-- Every other writer (people's changes, sessions, the two-step batch path) still notifies
-- through the trigger, unchanged.

-- The trigger of 0013, with one exit: a transaction that the decision writer marked as
-- notifying for itself (a transaction-local setting, so it never outlives that batch).
CREATE OR REPLACE FUNCTION warden_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n integer;
  top bigint;
  s uuid[];
  a uuid[];
  acts text[];
BEGIN
  IF current_setting('warden.feed_by_writer', true) = 'on' THEN
    RETURN NULL;
  END IF;
  SELECT count(*), max(seq),
         array_agg(DISTINCT session_id) FILTER (WHERE session_id IS NOT NULL),
         array_agg(DISTINCT agent_id) FILTER (WHERE agent_id IS NOT NULL),
         array_agg(DISTINCT action)
    INTO n, top, s, a, acts
    FROM new_rows;
  PERFORM pg_notify('warden_events', json_build_object(
    'n', n,
    'seq', top,
    'sessions', to_json(coalesce(s[1:40], '{}')),
    'agents', to_json(coalesce(a[1:40], '{}')),
    'actions', to_json(coalesce(acts[1:20], '{}')),
    -- More than the lists hold: listeners treat it as "anything may have changed".
    'truncated', coalesce(cardinality(s), 0) > 40 OR coalesce(cardinality(a), 0) > 40 OR coalesce(cardinality(acts), 0) > 20
  )::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The one-round-trip batch of 0012 with the writer's own notice: p_feed is the notice without
-- its seq (NULL when none is due); it is sent only if the batch was written, with the seq of
-- the batch's last event (read under the chain lock the batch still holds). The eleven-argument
-- function stays, for instances of the previous version during a rolling upgrade.
CREATE OR REPLACE FUNCTION warden_commit_batch(
  p_expected_head text, p_now timestamptz,
  p_agents uuid[], p_credentials uuid[], p_lock_sessions uuid[], p_req_sessions uuid[], p_req_versions integer[],
  p_escalations json, p_decisions json, p_counters json, p_audit json, p_feed jsonb)
RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  outcome text;
BEGIN
  PERFORM set_config('warden.feed_by_writer', 'on', true);
  outcome := warden_commit_batch(p_expected_head, p_now, p_agents, p_credentials, p_lock_sessions, p_req_sessions, p_req_versions,
                                 p_escalations, p_decisions, p_counters, p_audit);
  IF outcome = 'ok' AND p_feed IS NOT NULL THEN
    PERFORM pg_notify('warden_events', (p_feed || jsonb_build_object('seq', (SELECT max(seq) FROM audit_events)))::text);
  END IF;
  RETURN outcome;
END
$$;
