CREATE TABLE "audit_witness_cosignatures" (
	"witness" text NOT NULL,
	"size" bigint NOT NULL,
	"signature" text NOT NULL,
	"cosigned_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_witness_cosignatures_witness_size_pk" PRIMARY KEY("witness","size")
);
--> statement-breakpoint
CREATE TABLE "witnessed_logs" (
	"origin" text PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"root" "bytea" NOT NULL,
	"note" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Hand-written (drizzle cannot express these): cosignatures are evidence like the checkpoints
-- they sign, so the append-only triggers of 0002 guard them too.
CREATE TRIGGER audit_witness_cosignatures_append_only BEFORE UPDATE OR DELETE ON audit_witness_cosignatures
  FOR EACH ROW EXECUTE FUNCTION warden_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_witness_cosignatures_no_truncate BEFORE TRUNCATE ON audit_witness_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION warden_append_only();
