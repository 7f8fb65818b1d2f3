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

const DAY_START = sql.raw(`date_trunc('minute', now(), 'UTC') + interval '1 minute' - interval '24 hours'`);

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
        -- The last 24 h in whole minutes (to the end of this one), from the per-minute counts.
        (select coalesce(sum(n), 0) from decision_minutes where minute >= ${DAY_START} and outcome = 'allow')::int as d_allow,
        (select coalesce(sum(n), 0) from decision_minutes where minute >= ${DAY_START} and outcome = 'deny')::int as d_deny,
        (select coalesce(sum(n), 0) from decision_minutes where minute >= ${DAY_START} and outcome = 'escalate')::int as d_escalate,
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
 * The overview's charts for a time range: the range in whole minutes, ending with the current
 * one, so it lines up with the per-minute counts (decision_minutes) that every chart but the
 * drift one reads; their cost follows the minutes in the range, not the decisions. Drift reads
 * the decisions that carry a diff (a partial index holds only those). They run side by side.
 */
export async function getOverviewCharts(db: Executor, range: OverviewRange, now = new Date()): Promise<OverviewCharts> {
  const r = OVERVIEW_RANGES[range];
  const end = Math.floor(now.getTime() / 60_000) * 60_000 + 60_000;
  const since = new Date(end - r.ms).toISOString();
  // A decision dated after the end (a clock ahead) counts in the last bucket, not off the grid.
  const lastBucket = new Date(end - r.strideMs).toISOString();
  const [timeline, byAgent, byConnector, drifting, findingsBySeverity] = await Promise.all([
    db.execute(sql`
      select least(date_bin(${r.bucket}::interval, minute, ${since}::timestamptz), ${lastBucket}::timestamptz) as bucket,
             coalesce(sum(n) filter (where outcome = 'allow'), 0)::int as allow,
             coalesce(sum(n) filter (where outcome = 'deny'), 0)::int as deny,
             coalesce(sum(n) filter (where outcome = 'escalate'), 0)::int as escalate
      from decision_minutes where minute >= ${since}::timestamptz group by 1 order by 1`),
    db.execute(sql`
      select m.agent_id as id, a.name, coalesce(sum(m.n) filter (where m.outcome = 'deny'), 0)::int as deny, coalesce(sum(m.n) filter (where m.outcome = 'escalate'), 0)::int as escalate
      from decision_minutes m join agents a on a.id = m.agent_id
      where m.minute >= ${since}::timestamptz and m.outcome <> 'allow'
      group by m.agent_id, a.name order by sum(m.n) desc limit 10`),
    db.execute(sql`
      select connector as name, coalesce(sum(n) filter (where outcome = 'deny'), 0)::int as deny, coalesce(sum(n) filter (where outcome = 'escalate'), 0)::int as escalate
      from decision_minutes where minute >= ${since}::timestamptz and outcome <> 'allow'
      group by connector order by sum(n) desc limit 10`),
    db.execute(sql`
      select d.agent_id as id, a.name, count(*)::int as attempts, count(distinct d.session_id)::int as sessions
      from decisions d join agents a on a.id = d.agent_id
      where d.created_at >= ${since}::timestamptz and d.diff is not null
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
      new Date(end),
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

