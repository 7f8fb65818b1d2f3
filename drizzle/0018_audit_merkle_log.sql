CREATE TABLE "audit_checkpoints" (
	"size" bigint PRIMARY KEY NOT NULL,
	"root" "bytea" NOT NULL,
	"note" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"verifier" text NOT NULL,
	"first_used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log_state" (
	"id" smallint PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"last_seq" bigint NOT NULL,
	"last_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_log_state_one_row" CHECK ("audit_log_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "audit_log_tiles" (
	"level" smallint NOT NULL,
	"idx" bigint NOT NULL,
	"hashes" "bytea" NOT NULL,
	"first_seq" bigint,
	"seqs" bigint[],
	CONSTRAINT "audit_log_tiles_level_idx_pk" PRIMARY KEY("level","idx")
);
--> statement-breakpoint
CREATE INDEX "audit_log_tiles_seq_idx" ON "audit_log_tiles" USING btree ("level","first_seq");--> statement-breakpoint
-- Hand-written (drizzle cannot express these): signed checkpoints are evidence like the events
-- they cover, so the append-only triggers of 0002 guard them too.
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION warden_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION warden_append_only();
--> statement-breakpoint
-- The one state row, so the sequencer only ever locks and updates it: the empty tree, whose
-- next event must link to the chain's genesis hash.
INSERT INTO audit_log_state (id, size, last_seq, last_hash) VALUES (1, 0, 0, repeat('0', 64));
