-- The hottest insert in Warden goes without per-row foreign-key checks; see the comment on
-- the decisions table in lib/db/schema/decisions.ts for what keeps its ids true instead.
ALTER TABLE "decisions" DROP CONSTRAINT "decisions_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "decisions" DROP CONSTRAINT "decisions_agent_id_agents_id_fk";
--> statement-breakpoint
ALTER TABLE "decisions" DROP CONSTRAINT "decisions_connector_id_connectors_id_fk";
