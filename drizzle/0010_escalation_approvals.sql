CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"webhook_id" uuid NOT NULL,
	"escalation_id" uuid NOT NULL,
	"event" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"payload" jsonb NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"secret_enc" text NOT NULL,
	"secret_hint" text NOT NULL,
	"team" text,
	"min_risk" "risk_tier",
	"enabled" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "grant_id" uuid;--> statement-breakpoint
ALTER TABLE "grants" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_key" ON "webhook_deliveries" USING btree ("webhook_id","escalation_id","event");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhooks_name_key" ON "webhooks" USING btree ("name");--> statement-breakpoint
-- A vote is evidence of who decided what: never changed or removed.
CREATE TRIGGER escalation_votes_append_only BEFORE UPDATE OR DELETE ON escalation_votes
  FOR EACH ROW EXECUTE FUNCTION warden_append_only();
--> statement-breakpoint
CREATE TRIGGER escalation_votes_no_truncate BEFORE TRUNCATE ON escalation_votes
  FOR EACH STATEMENT EXECUTE FUNCTION warden_append_only();
--> statement-breakpoint
-- The batch preconditions now also consume grants (approvals). Session rows are locked first,
-- then each grant a decision wants to use is taken in the same transaction: a "once" grant is
-- used up by exactly one decision, however many ask at the same moment on however many
-- instances. A grant that is gone, used, revoked or expired is simply not returned.
DROP FUNCTION IF EXISTS warden_batch_preconditions(uuid[], uuid[], uuid[], timestamptz);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION warden_batch_preconditions(p_agents uuid[], p_credentials uuid[], p_sessions uuid[], p_now timestamptz, p_grants uuid[])
RETURNS TABLE (kind text, ref text, version integer) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY
    SELECT 'a'::text, a.id::text, 0 FROM agents a WHERE a.id = ANY(p_agents) AND a.status = 'active'
    UNION ALL
    SELECT 'c'::text, c.id::text, 0 FROM credentials c
      WHERE c.id = ANY(p_credentials) AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > p_now)
    UNION ALL
    SELECT 's'::text, s.id::text, s.intent_version FROM (
      SELECT s2.id, s2.status, s2.expires_at, s2.intent_version FROM sessions s2
      WHERE s2.id = ANY(p_sessions) ORDER BY s2.id FOR NO KEY UPDATE
    ) s WHERE s.status = 'active' AND s.expires_at > p_now;
  IF cardinality(p_grants) > 0 THEN
    RETURN QUERY
      UPDATE grants g SET
        uses_left = CASE WHEN g.uses_left IS NULL THEN NULL ELSE g.uses_left - 1 END,
        consumed_at = CASE WHEN g.uses_left = 1 THEN p_now ELSE g.consumed_at END
      WHERE g.id = ANY(p_grants) AND g.revoked_at IS NULL AND g.expires_at > p_now
        AND (g.uses_left IS NULL OR g.uses_left > 0)
      RETURNING 'g'::text, g.id::text, coalesce(g.uses_left, -1);
  END IF;
END
$$;
