-- The behaviour detectors (lib/services/findings/session-detectors.ts) look every 30 s at what
-- happened since their last pass. At thousands of decisions a second that window holds hundreds
-- of thousands of rows, and three detectors want only a few of them: out-of-intent calls, denies
-- and session events. Partial indexes on time hold exactly those, so those detectors read a
-- handful of entries instead of the whole window (measured: a pass over 270,000 decisions went
-- from ~200 ms to ~140 ms of Postgres time on an analysed database, and from ~500 ms to ~220 ms
-- on one never analysed). Calls inside the intent that are allowed, nearly all of the hot path's
-- inserts, are in none of them.
CREATE INDEX IF NOT EXISTS decisions_out_of_intent_time_idx ON decisions (created_at) WHERE diff IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS decisions_denied_time_idx ON decisions (created_at) WHERE outcome = 'deny';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS audit_events_session_time_idx ON audit_events (occurred_at) WHERE action LIKE 'session.%';
