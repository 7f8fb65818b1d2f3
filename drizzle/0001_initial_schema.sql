CREATE TYPE "public"."actor_kind" AS ENUM('person', 'agent', 'system');--> statement-breakpoint
CREATE TYPE "public"."agent_status" AS ENUM('active', 'quarantined', 'retired');--> statement-breakpoint
CREATE TYPE "public"."connector_kind" AS ENUM('mcp_server', 'saas_api', 'database', 'object_storage', 'messaging', 'internal_api', 'other');--> statement-breakpoint
CREATE TYPE "public"."credential_kind" AS ENUM('bootstrap_key', 'api_key', 'oauth_token', 'database_role', 'cloud_key', 'ssh_key', 'other');--> statement-breakpoint
CREATE TYPE "public"."decision_outcome" AS ENUM('allow', 'deny', 'escalate');--> statement-breakpoint
CREATE TYPE "public"."escalation_kind" AS ENUM('action', 'intent_change', 'session_open');--> statement-breakpoint
CREATE TYPE "public"."escalation_status" AS ENUM('pending', 'approved', 'denied', 'expired');--> statement-breakpoint
CREATE TYPE "public"."finding_status" AS ENUM('open', 'acknowledged', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."grant_scope" AS ENUM('once', 'session', 'amend_intent');--> statement-breakpoint
CREATE TYPE "public"."identity_kind" AS ENUM('spiffe', 'oidc', 'key');--> statement-breakpoint
CREATE TYPE "public"."intent_status" AS ENUM('accepted', 'pending', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."risk_tier" AS ENUM('low', 'medium', 'high');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('admin', 'analyst', 'approver', 'auditor');--> statement-breakpoint
CREATE TYPE "public"."sensitivity" AS ENUM('public', 'internal', 'confidential', 'restricted');--> statement-breakpoint
CREATE TYPE "public"."session_status" AS ENUM('pending', 'active', 'ended', 'expired', 'denied');--> statement-breakpoint
CREATE TYPE "public"."severity" AS ENUM('info', 'low', 'medium', 'high', 'critical');--> statement-breakpoint
CREATE TYPE "public"."trust_kind" AS ENUM('spiffe', 'oidc');--> statement-breakpoint
CREATE TYPE "public"."vote" AS ENUM('approve', 'deny');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoke_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "role" NOT NULL,
	"password_hash" text NOT NULL,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"auth_epoch" integer DEFAULT 0 NOT NULL,
	"disabled_at" timestamp with time zone,
	"disabled_by" uuid,
	"disabled_reason" text,
	"last_sign_in_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"identity" text NOT NULL,
	"identity_kind" "identity_kind" NOT NULL,
	"team" text NOT NULL,
	"owner_id" uuid,
	"purpose" text DEFAULT '' NOT NULL,
	"risk_tier" "risk_tier" NOT NULL,
	"status" "agent_status" DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"status_changed_at" timestamp with time zone,
	"status_changed_by" uuid,
	"envelope" jsonb NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connector_tools" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connector_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"operations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sensitivity" "sensitivity",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connectors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"display_name" text NOT NULL,
	"kind" "connector_kind" NOT NULL,
	"managed" boolean DEFAULT true NOT NULL,
	"sensitivity" "sensitivity" NOT NULL,
	"environment" text DEFAULT 'production' NOT NULL,
	"owner_id" uuid,
	"owner_team" text,
	"description" text DEFAULT '' NOT NULL,
	"endpoint" text,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_seen_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "credential_kind" NOT NULL,
	"name" text NOT NULL,
	"agent_id" uuid NOT NULL,
	"connector_id" uuid,
	"session_id" uuid,
	"jit" boolean DEFAULT false NOT NULL,
	"scope" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_hash" text,
	"prefix" text,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoked_by_kind" text,
	"revoke_reason" text,
	"created_by" uuid,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_intents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"intent" jsonb NOT NULL,
	"status" "intent_status" NOT NULL,
	"diff" jsonb,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"parent_session_id" uuid,
	"status" "session_status" NOT NULL,
	"intent_version" integer DEFAULT 1 NOT NULL,
	"intent" jsonb NOT NULL,
	"goal" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"last_activity_at" timestamp with time zone,
	"decision_count" integer DEFAULT 0 NOT NULL,
	"deny_count" integer DEFAULT 0 NOT NULL,
	"escalation_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid,
	"agent_id" uuid,
	"connector_id" uuid,
	"connector" text NOT NULL,
	"tool" text NOT NULL,
	"operation" text NOT NULL,
	"resource" text,
	"sensitivity" "sensitivity",
	"destination" text,
	"args_digest" text,
	"args_preview" jsonb,
	"outcome" "decision_outcome" NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"diff" jsonb,
	"policy_version" text,
	"escalation_id" uuid,
	"grant_id" uuid,
	"latency_us" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation_votes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"escalation_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"vote" "vote" NOT NULL,
	"scope" "grant_scope",
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "escalation_kind" NOT NULL,
	"session_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"decision_id" uuid,
	"action" jsonb NOT NULL,
	"action_hash" text NOT NULL,
	"risk" "risk_tier" NOT NULL,
	"required_approvals" integer DEFAULT 1 NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"diff" jsonb,
	"status" "escalation_status" DEFAULT 'pending' NOT NULL,
	"requested_by" text,
	"expires_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolution" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"escalation_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"action_hash" text NOT NULL,
	"scope" "grant_scope" NOT NULL,
	"uses_left" integer,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_kind" "actor_kind" NOT NULL,
	"actor_id" text,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"target_kind" text,
	"target_id" text,
	"agent_id" uuid,
	"session_id" uuid,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"request_id" text,
	"ip" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"severity" "severity" NOT NULL,
	"status" "finding_status" DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"agent_id" uuid,
	"session_id" uuid,
	"connector_id" uuid,
	"credential_id" uuid,
	"decision_id" uuid,
	"framework_refs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"assignee_id" uuid,
	"dedupe_key" text,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolution_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"built_in" boolean DEFAULT false NOT NULL,
	"active_version" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"policy_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"cedar" text NOT NULL,
	"on_forbid" text DEFAULT 'deny' NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trust_configs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "trust_kind" NOT NULL,
	"issuer" text,
	"trust_domain" text,
	"jwks" jsonb,
	"jwks_url" text,
	"audience" text NOT NULL,
	"algorithms" jsonb DEFAULT '["RS256","ES256","EdDSA"]'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connector_tools" ADD CONSTRAINT "connector_tools_connector_id_connectors_id_fk" FOREIGN KEY ("connector_id") REFERENCES "public"."connectors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_connector_id_connectors_id_fk" FOREIGN KEY ("connector_id") REFERENCES "public"."connectors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_intents" ADD CONSTRAINT "session_intents_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_parent_session_id_sessions_id_fk" FOREIGN KEY ("parent_session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_connector_id_connectors_id_fk" FOREIGN KEY ("connector_id") REFERENCES "public"."connectors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_votes" ADD CONSTRAINT "escalation_votes_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_votes" ADD CONSTRAINT "escalation_votes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_key" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "users_role_idx" ON "users" USING btree ("role");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_name_key" ON "agents" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_identity_key" ON "agents" USING btree ("identity");--> statement-breakpoint
CREATE INDEX "agents_search_trgm" ON "agents" USING gin ("name" gin_trgm_ops,"identity" gin_trgm_ops,"team" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "agents_status_idx" ON "agents" USING btree ("status","name");--> statement-breakpoint
CREATE INDEX "agents_team_idx" ON "agents" USING btree ("team","name");--> statement-breakpoint
CREATE INDEX "agents_risk_idx" ON "agents" USING btree ("risk_tier","name");--> statement-breakpoint
CREATE INDEX "agents_owner_idx" ON "agents" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "agents_created_idx" ON "agents" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "connector_tools_name_key" ON "connector_tools" USING btree ("connector_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "connectors_name_key" ON "connectors" USING btree ("name");--> statement-breakpoint
CREATE INDEX "connectors_search_trgm" ON "connectors" USING gin ("name" gin_trgm_ops,"display_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "connectors_kind_idx" ON "connectors" USING btree ("kind","name");--> statement-breakpoint
CREATE INDEX "connectors_managed_idx" ON "connectors" USING btree ("managed","name");--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_secret_key" ON "credentials" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "credentials_agent_idx" ON "credentials" USING btree ("agent_id","issued_at");--> statement-breakpoint
CREATE INDEX "credentials_connector_idx" ON "credentials" USING btree ("connector_id");--> statement-breakpoint
CREATE INDEX "credentials_session_idx" ON "credentials" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "credentials_issued_idx" ON "credentials" USING btree ("issued_at","id");--> statement-breakpoint
CREATE INDEX "credentials_expires_idx" ON "credentials" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "credentials_search_trgm" ON "credentials" USING gin ("name" gin_trgm_ops,"prefix" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "session_intents_version_key" ON "session_intents" USING btree ("session_id","version");--> statement-breakpoint
CREATE INDEX "sessions_agent_idx" ON "sessions" USING btree ("agent_id","started_at");--> statement-breakpoint
CREATE INDEX "sessions_started_idx" ON "sessions" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "sessions_status_idx" ON "sessions" USING btree ("status","started_at");--> statement-breakpoint
CREATE INDEX "sessions_parent_idx" ON "sessions" USING btree ("parent_session_id");--> statement-breakpoint
CREATE INDEX "decisions_session_idx" ON "decisions" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "decisions_created_idx" ON "decisions" USING btree ("created_at","outcome");--> statement-breakpoint
CREATE INDEX "decisions_agent_idx" ON "decisions" USING btree ("agent_id","created_at");--> statement-breakpoint
CREATE INDEX "decisions_connector_idx" ON "decisions" USING btree ("connector_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_votes_user_key" ON "escalation_votes" USING btree ("escalation_id","user_id");--> statement-breakpoint
CREATE INDEX "escalations_queue_idx" ON "escalations" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "escalations_session_idx" ON "escalations" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "grants_lookup_idx" ON "grants" USING btree ("session_id","action_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_id_key" ON "audit_events" USING btree ("id");--> statement-breakpoint
CREATE INDEX "audit_events_time_idx" ON "audit_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_target_idx" ON "audit_events" USING btree ("target_kind","target_id");--> statement-breakpoint
CREATE INDEX "audit_events_agent_idx" ON "audit_events" USING btree ("agent_id","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_session_idx" ON "audit_events" USING btree ("session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "findings_dedupe_key" ON "findings" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "findings_status_idx" ON "findings" USING btree ("status","severity","last_seen_at");--> statement-breakpoint
CREATE INDEX "findings_agent_idx" ON "findings" USING btree ("agent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policies_name_key" ON "policies" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_key" ON "policy_versions" USING btree ("policy_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "trust_configs_name_key" ON "trust_configs" USING btree ("name");