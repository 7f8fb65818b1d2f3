-- Sessions with out-of-intent attempts ("has drift" on the sessions list): a partial index holds
-- only the decisions that carry an intent-vs-action diff, so calls inside the intent (nearly all
-- of the hot path's inserts) never touch it.
CREATE INDEX IF NOT EXISTS decisions_drift_idx ON decisions (session_id) WHERE diff IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS escalations_pending_session_idx ON escalations (session_id) WHERE status = 'pending';
