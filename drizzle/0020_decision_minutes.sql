CREATE TABLE "decision_minutes" (
	"minute" timestamp with time zone NOT NULL,
	"agent_id" uuid NOT NULL,
	"connector" text NOT NULL,
	"outcome" "decision_outcome" NOT NULL,
	"n" integer NOT NULL,
	"drift" integer NOT NULL,
	CONSTRAINT "decision_minutes_minute_agent_id_connector_outcome_pk" PRIMARY KEY("minute","agent_id","connector","outcome")
);
--> statement-breakpoint
-- Hand-written (drizzle cannot express these). The counts follow every insert into decisions,
-- in its own transaction, one upsert per statement (a batch of decisions is one statement).
-- decisions is append-only (0002), so nothing ever takes a count back. The row locks this takes
-- come after the writer's chain lock (warden_commit_batch), so two instances cannot deadlock on them.
CREATE FUNCTION warden_decision_minutes_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO decision_minutes AS m (minute, agent_id, connector, outcome, n, drift)
  SELECT date_trunc('minute', d.created_at, 'UTC'), coalesce(d.agent_id, '00000000-0000-0000-0000-000000000000'::uuid), d.connector, d.outcome,
         count(*)::int, (count(*) FILTER (WHERE d.diff IS NOT NULL))::int
  FROM new_decisions d
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (minute, agent_id, connector, outcome) DO UPDATE SET n = m.n + excluded.n, drift = m.drift + excluded.drift;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER decisions_count_minutes AFTER INSERT ON decisions
  REFERENCING NEW TABLE AS new_decisions FOR EACH STATEMENT EXECUTE FUNCTION warden_decision_minutes_add();
--> statement-breakpoint
-- The decisions already there.
INSERT INTO decision_minutes (minute, agent_id, connector, outcome, n, drift)
SELECT date_trunc('minute', created_at, 'UTC'), coalesce(agent_id, '00000000-0000-0000-0000-000000000000'::uuid), connector, outcome,
       count(*)::int, (count(*) FILTER (WHERE diff IS NOT NULL))::int
FROM decisions
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
-- The overview's "drifting agents" counts distinct sessions among the decisions with a diff in
-- its range: this index holds only those (rare: calls outside the intent), by time.
CREATE INDEX IF NOT EXISTS decisions_drift_time_idx ON decisions (created_at) WHERE diff IS NOT NULL;
