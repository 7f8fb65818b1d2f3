-- The "high-risk call from a low-tier agent" detector (lib/services/findings/session-detectors.ts)
-- wants restricted-data calls and policy denies in its window. Denies have their partial index
-- (0014); this one holds restricted-data calls, so that detector reads those few entries instead
-- of every decision of the last minutes (at 1,000 decisions/s it read 90,000 rows every pass
-- and, with a plan chosen on stale statistics, held a core for 385 ms).
CREATE INDEX IF NOT EXISTS decisions_restricted_time_idx ON decisions (created_at) WHERE sensitivity = 'restricted';
