CREATE TABLE "authz_schema_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" integer NOT NULL,
	"cedar" text NOT NULL,
	"json" jsonb NOT NULL,
	"namespaces" text[] DEFAULT '{}'::text[] NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"active" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "namespace" text DEFAULT 'Warden' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "authz_schema_versions_version_key" ON "authz_schema_versions" USING btree ("version");--> statement-breakpoint
CREATE UNIQUE INDEX "authz_schema_versions_active_key" ON "authz_schema_versions" USING btree ("active") WHERE "authz_schema_versions"."active";--> statement-breakpoint
CREATE INDEX "policies_namespace_idx" ON "policies" USING btree ("namespace");