CREATE TABLE "trace_spans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"session_id" uuid,
	"trace_id" text NOT NULL,
	"span_id" text NOT NULL,
	"parent_span_id" text,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"tool" text,
	"connector" text,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"status" text DEFAULT 'unset' NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"decision_id" uuid,
	"checked" boolean DEFAULT false NOT NULL,
	"flagged_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "trace_spans" ADD CONSTRAINT "trace_spans_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trace_spans_span_key" ON "trace_spans" USING btree ("agent_id","trace_id","span_id");--> statement-breakpoint
CREATE INDEX "trace_spans_session_idx" ON "trace_spans" USING btree ("session_id","started_at");--> statement-breakpoint
CREATE INDEX "trace_spans_unchecked_idx" ON "trace_spans" USING btree ("started_at") WHERE kind = 'tool_call' and not checked and flagged_at is null and session_id is not null;--> statement-breakpoint
CREATE INDEX "trace_spans_decision_idx" ON "trace_spans" USING btree ("decision_id");