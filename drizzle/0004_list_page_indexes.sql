DROP INDEX "credentials_expires_idx";--> statement-breakpoint
CREATE INDEX "agents_name_page_idx" ON "agents" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "agents_team_page_idx" ON "agents" USING btree ("team","id");--> statement-breakpoint
CREATE INDEX "agents_risk_page_idx" ON "agents" USING btree ("risk_tier","id");--> statement-breakpoint
CREATE INDEX "agents_status_page_idx" ON "agents" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "agents_last_seen_page_idx" ON "agents" USING btree ("last_seen_at","id");--> statement-breakpoint
CREATE INDEX "agents_last_seen_desc_page_idx" ON "agents" USING btree ("last_seen_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "connectors_name_page_idx" ON "connectors" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "connectors_kind_page_idx" ON "connectors" USING btree ("kind","id");--> statement-breakpoint
CREATE INDEX "connectors_sensitivity_page_idx" ON "connectors" USING btree ("sensitivity","id");--> statement-breakpoint
CREATE INDEX "connectors_created_page_idx" ON "connectors" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "connectors_last_seen_page_idx" ON "connectors" USING btree ("last_seen_at","id");--> statement-breakpoint
CREATE INDEX "connectors_last_seen_desc_page_idx" ON "connectors" USING btree ("last_seen_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "credentials_expires_desc_idx" ON "credentials" USING btree ("expires_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "credentials_last_used_idx" ON "credentials" USING btree ("last_used_at","id");--> statement-breakpoint
CREATE INDEX "credentials_last_used_desc_idx" ON "credentials" USING btree ("last_used_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "credentials_name_page_idx" ON "credentials" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "credentials_expires_idx" ON "credentials" USING btree ("expires_at","id");