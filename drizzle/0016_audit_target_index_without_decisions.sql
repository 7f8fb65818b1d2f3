-- Decision events are most of the audit log, and nobody looks one up by its target; other
-- kinds are (a report export by its digest, lib/services/reports/verify.ts). Leaving them out
-- of this index saves an index entry per decision on the hot path and most of the index's
-- size. The planner proves `target_kind = 'report'` implies the predicate, so those lookups
-- keep the index.
DROP INDEX "audit_events_target_idx";--> statement-breakpoint
CREATE INDEX "audit_events_target_idx" ON "audit_events" USING btree ("target_kind","target_id") WHERE "audit_events"."target_kind" <> 'decision';