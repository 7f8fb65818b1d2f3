import { sql } from "drizzle-orm";
import { rows, type Db, type Executor } from "@/lib/db/client";
import type { Intent } from "@/lib/db/schema/sessions";
import { compareIntents } from "@/lib/policy/intent";
import { BACKGROUND_PACE, callsPerAgentMinute, type Pace } from "./paced-count";
import { raiseFinding, type NewFinding } from "./raise";

// Behaviour detectors over what sessions did recently. A pass looks at the decisions, intent
// changes and session events since `since` (with an overlap, so nothing falls between passes),
// and raises findings keyed per session (or per agent and minute, for bursts): seen again, a
// finding is refreshed — its count and last-seen time move — instead of duplicated.

export type DetectorOptions = {
  /** Out-of-intent attempts in a session before it is drift. */
  driftThreshold: number;
  /** A repeat of a denied call within this many seconds is a retry. */
  retryWindowSeconds: number;
  /** Decisions per minute above this many times the agent's usual rate (and above burstFloor). */
  burstFactor: number;
  burstFloor: number;
};

export const DEFAULT_DETECTORS: DetectorOptions = { driftThreshold: 2, retryWindowSeconds: 300, burstFactor: 5, burstFloor: 60 };

type Session = { session_id: string; agent_id: string; agent_name: string; risk_tier: string; goal: string };
const iso = (d: Date) => d.toISOString();

export async function detectSessionFindings(
  db: Db,
  since: Date,
  now = new Date(),
  o = DEFAULT_DETECTORS,
  pace: Pace = BACKGROUND_PACE,
): Promise<{ raised: number; refreshed: number }> {
  const found = await db.transaction(async (tx) => {
    // A background pass must not take both cores of a small machine from the decision path:
    // no parallel workers (the planner otherwise starts two for a window it guesses is large).
    // The transaction holds only these quick reads: on the embedded database every other query
    // waits while one is open, so the paced burst count below runs outside it.
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    return collectFindings(tx, since, o);
  });
  found.push(...(await detectBursts(db, since, now, o, pace)));
  let raised = 0;
  await db.transaction(async (tx) => {
    for (const f of found) if ((await raiseFinding(tx, f, now, "session detectors")).inserted) raised++;
  });
  return { raised, refreshed: found.length - raised };
}

async function collectFindings(db: Executor, since: Date, o: DetectorOptions): Promise<NewFinding[]> {
  const found: NewFinding[] = [];
  const sessionLabel = (s: Session) => `${s.agent_name} · "${s.goal.slice(0, 80)}"`;

  // 1. Intent drift: calls outside the declared intent.
  for (const r of rows<Session & { attempts: number; denied: number; examples: string[] }>(
    await db.execute(sql`
      select d.session_id, d.agent_id, a.name as agent_name, a.risk_tier, s.goal,
             count(*)::int as attempts, count(*) filter (where d.outcome = 'deny')::int as denied,
             (array_agg(d.connector || ':' || d.tool || '.' || d.operation order by d.created_at desc))[1:5] as examples
      from decisions d join sessions s on s.id = d.session_id join agents a on a.id = d.agent_id
      where d.diff is not null and d.session_id in (select distinct session_id from decisions where created_at > ${iso(since)}::timestamptz and diff is not null)
      group by d.session_id, d.agent_id, a.name, a.risk_tier, s.goal
      having count(*) >= ${o.driftThreshold}`),
  )) {
    found.push({
      kind: "intent_drift",
      severity: r.attempts >= 5 || r.denied > 0 ? "high" : "medium",
      key: `drift:${r.session_id}`,
      title: `Intent drift: ${r.attempts} calls outside the declared intent — ${sessionLabel(r)}`,
      detail: { attempts: r.attempts, denied: r.denied, examples: r.examples },
      agentId: r.agent_id,
      sessionId: r.session_id,
      occurrences: r.attempts,
    });
  }

  // 2. Retries after a deny: the same call again, soon after it was denied.
  for (const r of rows<Session & { retries: number; action: string }>(
    await db.execute(sql`
      select d.session_id, d.agent_id, a.name as agent_name, a.risk_tier, s.goal, count(*)::int as retries,
             min(d.connector || ':' || d.tool || '.' || d.operation) as action
      from decisions d
      join decisions prior on prior.session_id = d.session_id and prior.outcome = 'deny'
        and prior.connector = d.connector and prior.tool = d.tool and prior.operation = d.operation
        and coalesce(prior.resource, '') = coalesce(d.resource, '')
        and prior.created_at < d.created_at and prior.created_at > d.created_at - make_interval(secs => ${o.retryWindowSeconds})
      join sessions s on s.id = d.session_id join agents a on a.id = d.agent_id
      where d.created_at > ${iso(since)}::timestamptz
      group by d.session_id, d.agent_id, a.name, a.risk_tier, s.goal`),
  )) {
    found.push({
      kind: "retry_after_deny",
      severity: r.retries >= 3 ? "high" : "medium",
      key: `retry:${r.session_id}`,
      title: `Retried a denied call (${r.action}) ${r.retries} time(s) — ${sessionLabel(r)}`,
      detail: { retries: r.retries, action: r.action, windowSeconds: o.retryWindowSeconds },
      agentId: r.agent_id,
      sessionId: r.session_id,
    });
  }

  // 3. Use of an unmanaged connector (nobody registered it).
  for (const r of rows<Session & { connector: string; connector_id: string | null; calls: number }>(
    await db.execute(sql`
      select d.session_id, d.agent_id, a.name as agent_name, a.risk_tier, s.goal, d.connector, d.connector_id, count(*)::int as calls
      from connectors k
      -- Driven from the unmanaged connectors, through each one's (connector, time) index: the
      -- cost is their calls, not every decision in the window.
      cross join lateral (
        select session_id, agent_id, connector, connector_id from decisions
        where connector_id = k.id and created_at > ${iso(since)}::timestamptz
        offset 0 -- keeps it a per-connector index lookup rather than a join over the whole window
      ) d
      join sessions s on s.id = d.session_id join agents a on a.id = d.agent_id
      where not k.managed
      group by d.session_id, d.agent_id, a.name, a.risk_tier, s.goal, d.connector, d.connector_id`),
  )) {
    found.push({
      kind: "unmanaged_connector",
      severity: "high",
      key: `unmanaged-use:${r.session_id}:${r.connector}`,
      title: `Called the unmanaged connector "${r.connector}" — ${sessionLabel(r)}`,
      detail: { connector: r.connector, calls: r.calls },
      agentId: r.agent_id,
      sessionId: r.session_id,
      connectorId: r.connector_id,
    });
  }

  // 4. A high-risk call reaching a low-tier agent: restricted data, or a forbid, for an agent
  //    whose tier says it should never be near either.
  for (const r of rows<Session & { calls: number; examples: string[] }>(
    await db.execute(sql`
      select d.session_id, d.agent_id, a.name as agent_name, a.risk_tier, s.goal, count(*)::int as calls,
             (array_agg(d.connector || ':' || d.tool || '.' || d.operation order by d.created_at desc))[1:5] as examples
      from (
        -- Restricted-data calls and policy denies, each read through its partial index on time
        -- (0015, 0014). A policy.forbid reason is only ever on a deny: an escalating forbid says
        -- policy.escalate, and an approval replaces the reasons with approval.granted.
        select * from decisions where created_at > ${iso(since)}::timestamptz and sensitivity = 'restricted'
        union all
        select * from decisions where created_at > ${iso(since)}::timestamptz and outcome = 'deny' and sensitivity is distinct from 'restricted'
          and exists (select 1 from jsonb_array_elements(reasons) x where x ->> 'code' = 'policy.forbid')
      ) d join agents a on a.id = d.agent_id and a.risk_tier = 'low' join sessions s on s.id = d.session_id
      group by d.session_id, d.agent_id, a.name, a.risk_tier, s.goal`),
  )) {
    found.push({
      kind: "high_risk_low_tier",
      severity: "high",
      key: `highrisk-lowtier:${r.session_id}`,
      title: `High-risk calls from a low-tier agent (${r.calls}) — ${sessionLabel(r)}`,
      detail: { calls: r.calls, examples: r.examples },
      agentId: r.agent_id,
      sessionId: r.session_id,
    });
  }

  // 5. Delegation that tried to widen beyond its parent, and 6. intent changes that widen it.
  for (const r of rows<Session & { action: string; reasons: string[] }>(
    await db.execute(sql`
      select e.session_id, e.agent_id, a.name as agent_name, a.risk_tier, s.goal, e.action,
             array(select jsonb_array_elements_text(e.detail -> 'reasons')) as reasons
      from audit_events e join sessions s on s.id = e.session_id join agents a on a.id = e.agent_id
      where e.occurred_at > ${iso(since)}::timestamptz and e.actor_kind = 'agent' and e.action like 'session.%'
        and exists (select 1 from jsonb_array_elements_text(e.detail -> 'reasons') c where c like 'delegation.%')`),
  )) {
    found.push({
      kind: "delegation_widening",
      severity: "high",
      key: `delegation:${r.session_id}`,
      title: `A delegated session tried to reach beyond its parent — ${sessionLabel(r)}`,
      detail: { event: r.action, reasons: r.reasons.filter((c) => c.startsWith("delegation.")) },
      agentId: r.agent_id,
      sessionId: r.session_id,
    });
  }
  for (const r of rows<Session & { version: number; status: string; before: Intent | null; after: Intent }>(
    await db.execute(sql`
      select i.session_id, s.agent_id, a.name as agent_name, a.risk_tier, s.goal, i.version, i.status, prev.intent as before, i.intent as after
      from session_intents i join sessions s on s.id = i.session_id join agents a on a.id = s.agent_id
      left join session_intents prev on prev.session_id = i.session_id and prev.version = i.version - 1
      where i.created_at > ${iso(since)}::timestamptz and i.version > 1`),
  )) {
    if (!r.before) continue;
    // The same containment rules that decided the change decide whether it widened anything.
    const widened = compareIntents(r.before, r.after).widened;
    if (!widened.length) continue;
    const fields = [...new Set(widened.map((d) => d.field))];
    found.push({
      kind: "goal_change_risk",
      severity: fields.some((f) => f === "sensitivity" || f === "maxSensitivity" || f === "destination" || f === "destinations") ? "high" : "medium",
      key: `goal-change:${r.session_id}:${r.version}`,
      title: `Mid-session change of intent widened ${fields.join(", ")} (version ${r.version}, ${r.status}) — ${sessionLabel(r)}`,
      detail: { version: r.version, status: r.status, goalBefore: r.before.goal, goalAfter: r.after.goal, widened },
      agentId: r.agent_id,
      sessionId: r.session_id,
    });
  }

  // 7. Privilege accumulation: what the session may do grew past its first intent, through
  //    approved escalations and accepted widenings of its intent.
  for (const r of rows<Session & { grants: number; widenings: number }>(
    await db.execute(sql`
      select s.id as session_id, s.agent_id, a.name as agent_name, a.risk_tier, s.goal,
             (select count(*) from escalations e where e.session_id = s.id and e.status = 'approved')::int as grants,
             (select count(*) from session_intents i where i.session_id = s.id and i.version > 1 and i.status = 'accepted'
                and exists (select 1 from jsonb_array_elements(coalesce(i.diff, '[]'::jsonb)) x where x ->> 'field' in ('actions', 'resources', 'destinations', 'maxSensitivity')))::int as widenings
      from sessions s join agents a on a.id = s.agent_id
      where s.id in (select session_id from escalations where resolved_at > ${iso(since)}::timestamptz and status = 'approved'
                     union select session_id from session_intents where created_at > ${iso(since)}::timestamptz and version > 1)`),
  )) {
    if (r.grants + r.widenings < 2) continue;
    found.push({
      kind: "privilege_accumulation",
      severity: r.grants + r.widenings >= 4 ? "high" : "medium",
      key: `accumulation:${r.session_id}`,
      title: `Privileges grew past the first intent (${r.grants} approved escalations, ${r.widenings} widenings) — ${sessionLabel(r)}`,
      detail: { approvedEscalations: r.grants, acceptedWidenings: r.widenings },
      agentId: r.agent_id,
      sessionId: r.session_id,
    });
  }

  return found;
}

async function detectBursts(db: Db, since: Date, now: Date, o: DetectorOptions, pace: Pace): Promise<NewFinding[]> {
  const found: NewFinding[] = [];
  // 8. A burst: an agent's decisions in a minute far above its usual rate over the last week.
  //    Whole minutes from the one the window starts in, so a minute's count is never a part of
  //    it seen by a later pass (a refreshed finding would then show fewer calls than it had).
  const from = new Date(Math.floor(since.getTime() / 60_000) * 60_000);
  const perMinute = await callsPerAgentMinute(db, from, pace);
  const candidates = [...perMinute].filter(([, minutes]) => [...minutes.values()].some((n) => n >= o.burstFloor)).map(([agent]) => agent);
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  if (candidates.length) {
    for (const u of rows<{ agent_id: string; agent_name: string; usual: number }>(
      await db.execute(sql`
        -- The agent's average over the week before this window (no history: zero), from its
        -- sessions' decision counters (kept by the decision writer) rather than a week of
        -- decisions: counting those every pass costs as much as the week holds (at a thousand
        -- decisions a second, 600 million rows). Each session's count is spread evenly over
        -- its span and only the part inside [week ago, window start] is taken; a burst inside a
        -- session leaks into that share at most its own size over the week's 10,080 minutes.
        select a.id as agent_id, a.name as agent_name, coalesce((
                 select sum(s.decision_count * greatest(0, extract(epoch from least(coalesce(s.last_activity_at, s.started_at), ${iso(from)}::timestamptz) - greatest(s.started_at, ${iso(weekAgo)}::timestamptz)))
                                             / greatest(1, extract(epoch from coalesce(s.last_activity_at, s.started_at) - s.started_at)))
                 from sessions s
                 where s.agent_id = a.id and s.started_at < ${iso(from)}::timestamptz
                   and coalesce(s.last_activity_at, s.started_at) > ${iso(weekAgo)}::timestamptz), 0)::float / (7 * 24 * 60) as usual
        from agents a where a.id in (${sql.join(candidates.map((c) => sql`${c}::uuid`), sql`, `)})`),
    )) {
      for (const [minute, calls] of [...perMinute.get(u.agent_id)!].sort(([a], [b]) => a.localeCompare(b))) {
        if (calls < o.burstFloor || !(calls > o.burstFactor * u.usual)) continue;
        const usual = Math.round(u.usual * 100) / 100;
        found.push({
          kind: "activity_burst",
          severity: "medium",
          key: `burst:${u.agent_id}:${minute}`,
          title: `${u.agent_name} made ${calls} calls in one minute (usually ${usual}/min)`,
          detail: { minute, calls, usualPerMinute: usual },
          agentId: u.agent_id,
        });
      }
    }
  }

  return found;
}
