-- The change feed behind live views (server-sent events): every statement that appends audit
-- events — a person's change, an agent's session or credential, a batch of decisions — sends one
-- NOTIFY on channel warden_events, delivered when (and only if) its transaction commits, to
-- every app instance listening on this database. The payload names what changed so each
-- instance can tell only the views that care; it is capped well under NOTIFY's 8,000 bytes.
CREATE OR REPLACE FUNCTION warden_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sessions json;
  agents json;
  actions json;
  n integer;
BEGIN
  SELECT count(*) INTO n FROM new_rows;
  SELECT json_agg(s) INTO sessions FROM (SELECT DISTINCT session_id AS s FROM new_rows WHERE session_id IS NOT NULL LIMIT 40) x;
  SELECT json_agg(a) INTO agents FROM (SELECT DISTINCT agent_id AS a FROM new_rows WHERE agent_id IS NOT NULL LIMIT 40) x;
  SELECT json_agg(a) INTO actions FROM (SELECT DISTINCT action AS a FROM new_rows LIMIT 20) x;
  PERFORM pg_notify('warden_events', json_build_object(
    'n', n,
    'seq', (SELECT max(seq) FROM new_rows),
    'sessions', coalesce(sessions, '[]'::json),
    'agents', coalesce(agents, '[]'::json),
    'actions', coalesce(actions, '[]'::json),
    -- More than the lists hold: listeners treat it as "anything may have changed".
    'truncated', (SELECT count(DISTINCT session_id) > 40 OR count(DISTINCT agent_id) > 40 FROM new_rows)
  )::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION warden_notify_change();
