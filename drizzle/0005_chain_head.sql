-- The head of the audit chain, read under the chain lock, in one round trip. A function because
-- each statement in PL/pgSQL takes a fresh snapshot: the SELECT runs after the lock is granted,
-- so it sees the event the previous lock holder committed (a single SQL statement would not).
-- The lock key is CHAIN_LOCK in lib/audit/record.ts ("AUDT").
CREATE OR REPLACE FUNCTION warden_chain_head() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE head text;
BEGIN
  PERFORM pg_advisory_xact_lock(1096107092);
  SELECT hash INTO head FROM audit_events ORDER BY seq DESC LIMIT 1;
  RETURN coalesce(head, repeat('0', 64));
END
$$;
