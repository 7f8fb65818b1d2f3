import { sql } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";

export type OverviewStats = {
  agents: { active: number; quarantined: number; retired: number; high: number };
  connectors: { managed: number; unmanaged: number };
  credentials: { active: number; standing: number; jit: number; neverExpire: number };
  sessions: { active: number; last24h: number };
  decisions24h: { allow: number; deny: number; escalate: number };
  escalationsPending: number;
  findingsOpen: number;
};

/** Headline counts for the overview, one round trip. */
export async function getOverviewStats(db: Executor): Promise<OverviewStats> {
  const [r] = rows<Record<string, number>>(
    await db.execute(sql`
      select
        (select count(*) from agents where status = 'active')::int as agents_active,
        (select count(*) from agents where status = 'quarantined')::int as agents_quarantined,
        (select count(*) from agents where status = 'retired')::int as agents_retired,
        (select count(*) from agents where risk_tier = 'high' and status <> 'retired')::int as agents_high,
        (select count(*) from connectors where managed)::int as conn_managed,
        (select count(*) from connectors where not managed)::int as conn_unmanaged,
        (select count(*) from credentials where revoked_at is null and (expires_at is null or expires_at > now()))::int as cred_active,
        (select count(*) from credentials where revoked_at is null and not jit and (expires_at is null or expires_at > now()))::int as cred_standing,
        (select count(*) from credentials where revoked_at is null and jit and expires_at > now())::int as cred_jit,
        (select count(*) from credentials where revoked_at is null and expires_at is null)::int as cred_never,
        (select count(*) from sessions where status = 'active' and expires_at > now())::int as sess_active,
        (select count(*) from sessions where started_at > now() - interval '24 hours')::int as sess_24h,
        (select count(*) from decisions where created_at > now() - interval '24 hours' and outcome = 'allow')::int as d_allow,
        (select count(*) from decisions where created_at > now() - interval '24 hours' and outcome = 'deny')::int as d_deny,
        (select count(*) from decisions where created_at > now() - interval '24 hours' and outcome = 'escalate')::int as d_escalate,
        (select count(*) from escalations where status = 'pending')::int as esc_pending,
        (select count(*) from findings where status <> 'resolved')::int as findings_open
    `),
  );
  return {
    agents: { active: r.agents_active, quarantined: r.agents_quarantined, retired: r.agents_retired, high: r.agents_high },
    connectors: { managed: r.conn_managed, unmanaged: r.conn_unmanaged },
    credentials: { active: r.cred_active, standing: r.cred_standing, jit: r.cred_jit, neverExpire: r.cred_never },
    sessions: { active: r.sess_active, last24h: r.sess_24h },
    decisions24h: { allow: r.d_allow, deny: r.d_deny, escalate: r.d_escalate },
    escalationsPending: r.esc_pending,
    findingsOpen: r.findings_open,
  };
}
