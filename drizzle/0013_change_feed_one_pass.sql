-- The change feed's trigger (migration 0008) in one pass over the statement's new rows instead
-- of five: it runs once per decision batch, and at a steady thousand decisions a second most
-- batches hold a single decision, so its fixed cost is paid a thousand times a second. Same
-- payload; "truncated" now also covers more than 20 distinct actions, which were cut silently.
CREATE OR REPLACE FUNCTION warden_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n integer;
  top bigint;
  s uuid[];
  a uuid[];
  acts text[];
BEGIN
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
