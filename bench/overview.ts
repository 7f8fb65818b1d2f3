// The overview and a long session timeline at scale: 1,000,000 decisions over 30 days (20
// agents, 10 connectors) in a fresh database, then the overview's queries for each range and
// the first pages of a 10,000-call session, timed from the query functions the pages use.
import { sql } from "drizzle-orm";
import { openDatabase, rows } from "../lib/db/client";
import { getOverviewCharts, getOverviewStats, type OverviewRange } from "../lib/db/queries/overview";
import { sessionTimeline } from "../lib/db/queries/timeline";
import { freshDatabase, quantiles } from "./servers";

const DECISIONS = Number(process.env.BENCH_OVERVIEW_DECISIONS ?? 1_000_000);
// How far back they reach: 30 days by default; BENCH_OVERVIEW_SPAN_HOURS=1 puts them all in the
// last hour, as a busy fleet at ~300 decisions/s does (and the soak did), inside every range.
const SPAN_HOURS = Number(process.env.BENCH_OVERVIEW_SPAN_HOURS ?? 720);

async function time<T>(fn: () => Promise<T>, runs = 7): Promise<{ p50: number; max: number }> {
  const ms: number[] = [];
  await fn(); // warm
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  const q = quantiles(ms);
  return { p50: q.p50, max: q.max };
}

export async function benchOverview() {
  const database = await freshDatabase("warden_bench_overview");
  const h = await openDatabase({ kind: "postgres", url: database.url, poolSize: 6 });
  try {
    const t0 = performance.now();
    await h.db.execute(sql`
      insert into agents (name, identity, identity_kind, team, risk_tier, envelope)
      select 'agent-' || i, 'spiffe://bench/agent-' || i, 'spiffe', 'team-' || (i % 4), (array['low','medium','high'])[1 + i % 3]::risk_tier,
             '{"actions":["*"],"maxSensitivity":"restricted","maxTtlSeconds":3600}'::jsonb
      from generate_series(1, 20) i`);
    await h.db.execute(sql`
      insert into sessions (agent_id, status, goal, intent, started_at, expires_at)
      select a.id, 'active', 'bench session ' || a.name, '{"goal":"g","actions":["*"],"maxSensitivity":"internal","ttlSeconds":3600}'::jsonb, now() - interval '30 days', now() + interval '1 day'
      from agents a`);
    await h.db.execute(sql`
      insert into decisions (session_id, agent_id, connector, tool, operation, outcome, reasons, diff, created_at)
      select s.id, s.agent_id, 'connector-' || (i % 10), 'tool', 'op',
             (case when i % 20 = 0 then 'deny' when i % 13 = 0 then 'escalate' else 'allow' end)::decision_outcome,
             '[]'::jsonb,
             case when i % 13 = 0 then '[{"field":"action","declared":[],"actual":"x"}]'::jsonb end,
             now() - (i::float / ${DECISIONS} * ${SPAN_HOURS} * interval '1 hour')
      from generate_series(1, ${DECISIONS}) i
      join lateral (select id, agent_id from sessions order by id offset (i % 20) limit 1) s on true`);
    // As autovacuum would have (it is off on the bench machine): every table, the per-minute counts too.
    await h.db.execute(sql`vacuum analyze`);
    console.log(`\nOverview at scale: ${DECISIONS.toLocaleString("en-US")} decisions over ${SPAN_HOURS % 24 ? `${SPAN_HOURS} h` : `${SPAN_HOURS / 24} days`} loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    console.log("| query | p50 ms | max ms |\n| --- | ---: | ---: |");
    const stats = await time(() => getOverviewStats(h.db));
    console.log(`| headline counts | ${stats.p50} | ${stats.max} |`);
    for (const range of ["24h", "7d", "30d"] as OverviewRange[]) {
      const r = await time(() => getOverviewCharts(h.db, range));
      console.log(`| charts, ${range} | ${r.p50} | ${r.max} |`);
    }
    const [busiest] = rows<{ session_id: string }>(await h.db.execute(sql`select session_id from decisions group by session_id order by count(*) desc limit 1`));
    const first = await time(() => sessionTimeline(h.db, busiest.session_id, { limit: 200 }));
    console.log(`| session timeline, first page of 200 (a 50,000-call session) | ${first.p50} | ${first.max} |`);
  } finally {
    await h.close();
    await database.drop();
  }
}
