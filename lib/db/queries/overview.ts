import { sql } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";
import { OVERVIEW_RANGES, type OverviewCharts, type OverviewRange } from "@/lib/domain/overview";

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

export { OVERVIEW_RANGES, type OverviewCharts, type OverviewRange } from "@/lib/domain/overview";

/**
 * The overview's charts for a time range. Each is one grouped query over the range (the time
 * series walks the (created_at, outcome) index only); they run side by side.
 */
export async function getOverviewCharts(db: Executor, range: OverviewRange, now = new Date()): Promise<OverviewCharts> {
  const r = OVERVIEW_RANGES[range];
  const since = new Date(now.getTime() - r.ms).toISOString();
  // The range is (since, now]: a decision made at `now` itself would open a bucket of its own
  // past the grid, so it counts in the last one.
  const lastBucket = new Date(now.getTime() - r.strideMs).toISOString();
  const [timeline, byAgent, byConnector, drifting, findingsBySeverity] = await Promise.all([
    db.execute(sql`
      select least(date_bin(${r.bucket}::interval, created_at, ${since}::timestamptz), ${lastBucket}::timestamptz) as bucket,
             count(*) filter (where outcome = 'allow')::int as allow,
             count(*) filter (where outcome = 'deny')::int as deny,
             count(*) filter (where outcome = 'escalate')::int as escalate
      from decisions where created_at > ${since}::timestamptz group by 1 order by 1`),
    db.execute(sql`
      select d.agent_id as id, a.name, count(*) filter (where d.outcome = 'deny')::int as deny, count(*) filter (where d.outcome = 'escalate')::int as escalate
      from decisions d join agents a on a.id = d.agent_id
      where d.created_at > ${since}::timestamptz and d.outcome <> 'allow'
      group by d.agent_id, a.name order by count(*) desc limit 10`),
    db.execute(sql`
      select connector as name, count(*) filter (where outcome = 'deny')::int as deny, count(*) filter (where outcome = 'escalate')::int as escalate
      from decisions where created_at > ${since}::timestamptz and outcome <> 'allow'
      group by connector order by count(*) desc limit 10`),
    db.execute(sql`
      select d.agent_id as id, a.name, count(*)::int as attempts, count(distinct d.session_id)::int as sessions
      from decisions d join agents a on a.id = d.agent_id
      where d.created_at > ${since}::timestamptz and d.diff is not null
      group by d.agent_id, a.name order by count(*) desc limit 10`),
    db.execute(sql`
      select severity::text as severity, count(*)::int as open from findings where status <> 'resolved' group by severity
      order by array_position(array['critical','high','medium','low','info'], severity::text)`),
  ]);
  return {
    range,
    since,
    timeline: fillTimeline(
      rows<{ bucket: Date | string; allow: number; deny: number; escalate: number }>(timeline).map((b) => ({ ...b, bucket: new Date(b.bucket).toISOString() })),
      new Date(since),
      r.strideMs,
      now,
    ),
    byAgent: rows(byAgent),
    byConnector: rows(byConnector),
    drifting: rows(drifting),
    findingsBySeverity: rows(findingsBySeverity),
  };
}

type TimelineBucket = OverviewCharts["timeline"][number];

/**
 * The time series with every bucket from `since` to `until`, empty ones as zeros. The query only
 * returns buckets that hold decisions, and a chart of those alone would close up a quiet stretch
 * (a night, a day with no traffic) as if it had never happened. A bucket the query returned off
 * the grid (it cannot, with date_bin's origin at `since`) is kept, in time order, not dropped.
 */
export function fillTimeline(found: TimelineBucket[], since: Date, strideMs: number, until: Date): TimelineBucket[] {
  const byStart = new Map(found.map((b) => [new Date(b.bucket).getTime(), b]));
  for (let t = since.getTime(); t < until.getTime(); t += strideMs) {
    if (!byStart.has(t)) byStart.set(t, { bucket: new Date(t).toISOString(), allow: 0, deny: 0, escalate: 0 });
  }
  return [...byStart.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
}

