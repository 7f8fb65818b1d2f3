// The evidence a report rests on, gathered with a fixed handful of aggregate queries over the
// period (GROUP BY, never one query per item), so a period with millions of decisions stays a
// few index range scans. Periods are half-open: from <= t < to.
import { sql } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";
import type { ReportExample } from "./types";

export type Period = { from: Date; to: Date };

export type Aggregates = {
  decisions: { total: number; allow: number; deny: number; escalate: number; outsideIntent: number; driftSessions: number };
  /** Non-allow decisions per reason code ("code") and per code and policy ("code|policyId"). */
  reasons: Map<string, number>;
  escalations: { byStatus: Record<string, number>; byKind: Record<string, number>; twoApprover: number };
  votes: { approve: number; deny: number };
  grants: number;
  credentials: { jitIssued: number; revoked: number; revokedByPerson: number; revokedByAgent: number; revokedBySystem: number };
  findings: Map<string, number>;
  /** Audit events per action in the period, and their total. */
  audit: Map<string, number>;
  auditTotal: number;
  webhookDeliveries: { sent: number; failed: number };
};

export type State = {
  policies: { name: string; enabled: boolean; builtIn: boolean; activeVersion: number | null }[];
  trustConfigsEnabled: number;
  webhooksEnabled: number;
  approvers: number;
  agents: number;
  agentsQuarantined: number;
  connectors: number;
  unmanagedConnectors: number;
  jitLive: number;
  chainHead: { seq: number; hash: string };
};

export type Examples = {
  /** Key: reason code, and "code|policyId" for policy reasons. */
  decisionsByReason: Map<string, ReportExample[]>;
  findingsByKind: Map<string, ReportExample[]>;
  escalationsByStatus: Map<string, ReportExample[]>;
  driftSessions: ReportExample[];
  revokedCredentials: ReportExample[];
  quarantines: ReportExample[];
};

const n = (v: unknown) => Number(v ?? 0);
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const within = (col: string, p: Period) => sql`${sql.raw(col)} >= ${ts(p.from)} and ${sql.raw(col)} < ${ts(p.to)}`;
const push = <T>(m: Map<string, T[]>, k: string, v: T) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);

export async function collectAggregates(db: Executor, p: Period): Promise<Aggregates> {
  const [dec, reasons, esc, votes, creds, finds, audit, hooks] = await Promise.all([
    db.execute(sql`
      select count(*)::int as total,
             count(*) filter (where outcome = 'allow')::int as allow,
             count(*) filter (where outcome = 'deny')::int as deny,
             count(*) filter (where outcome = 'escalate')::int as escalate,
             count(*) filter (where diff is not null)::int as outside_intent,
             count(distinct session_id) filter (where diff is not null)::int as drift_sessions
      from decisions where ${within("created_at", p)}`),
    // Reason codes are only looked at on denies and escalations: allows are the bulk of traffic.
    db.execute(sql`
      select r->>'code' as code, r->>'policyId' as policy_id, grouping(r->>'policyId')::int as by_code, count(distinct d.id)::int as n
      from decisions d cross join lateral jsonb_array_elements(d.reasons) r
      where ${within("d.created_at", p)} and d.outcome <> 'allow'
      group by grouping sets ((r->>'code'), (r->>'code', r->>'policyId'))`),
    // Status now, as the escalations list shows it: a pending request past its expiry is expired
    // even before the sweeper marks it.
    db.execute(sql`
      select case when status = 'pending' and expires_at <= now() then 'expired' else status::text end as status,
             kind::text, count(*)::int as n, count(*) filter (where required_approvals >= 2)::int as two
      from escalations where ${within("created_at", p)} group by 1, kind`),
    db.execute(sql`
      select (select count(*) from escalation_votes where vote = 'approve' and ${within("created_at", p)})::int as approve,
             (select count(*) from escalation_votes where vote = 'deny' and ${within("created_at", p)})::int as deny,
             (select count(*) from grants where ${within("created_at", p)})::int as grants`),
    db.execute(sql`
      select (select count(*) from credentials where jit and ${within("issued_at", p)})::int as jit_issued,
             count(*)::int as revoked,
             count(*) filter (where revoked_by_kind = 'person')::int as by_person,
             count(*) filter (where revoked_by_kind = 'agent')::int as by_agent,
             count(*) filter (where revoked_by_kind is null or revoked_by_kind not in ('person', 'agent'))::int as by_system
      from credentials where ${within("revoked_at", p)}`),
    db.execute(sql`select kind, count(*)::int as n from findings where ${within("first_seen_at", p)} group by kind`),
    db.execute(sql`select action, count(*)::int as n from audit_events where ${within("occurred_at", p)} group by action`),
    db.execute(sql`
      select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'failed')::int as failed
      from webhook_deliveries where ${within("created_at", p)}`),
  ]);
  const d = rows<Record<string, number>>(dec)[0] ?? {};
  const reasonMap = new Map<string, number>();
  for (const r of rows<{ code: string; policy_id: string | null; by_code: number; n: number }>(reasons)) {
    if (r.code == null) continue;
    if (n(r.by_code) === 1) reasonMap.set(r.code, n(r.n));
    else if (r.policy_id != null) reasonMap.set(`${r.code}|${r.policy_id}`, n(r.n));
  }
  const escalations = { byStatus: {} as Record<string, number>, byKind: {} as Record<string, number>, twoApprover: 0 };
  for (const r of rows<{ status: string; kind: string; n: number; two: number }>(esc)) {
    escalations.byStatus[r.status] = (escalations.byStatus[r.status] ?? 0) + n(r.n);
    escalations.byKind[r.kind] = (escalations.byKind[r.kind] ?? 0) + n(r.n);
    escalations.twoApprover += n(r.two);
  }
  const v = rows<Record<string, number>>(votes)[0] ?? {};
  const c = rows<Record<string, number>>(creds)[0] ?? {};
  const auditMap = new Map(rows<{ action: string; n: number }>(audit).map((r) => [r.action, n(r.n)]));
  const h = rows<Record<string, number>>(hooks)[0] ?? {};
  return {
    decisions: { total: n(d.total), allow: n(d.allow), deny: n(d.deny), escalate: n(d.escalate), outsideIntent: n(d.outside_intent), driftSessions: n(d.drift_sessions) },
    reasons: reasonMap,
    escalations,
    votes: { approve: n(v.approve), deny: n(v.deny) },
    grants: n(v.grants),
    credentials: { jitIssued: n(c.jit_issued), revoked: n(c.revoked), revokedByPerson: n(c.by_person), revokedByAgent: n(c.by_agent), revokedBySystem: n(c.by_system) },
    findings: new Map(rows<{ kind: string; n: number }>(finds).map((r) => [r.kind, n(r.n)])),
    audit: auditMap,
    auditTotal: [...auditMap.values()].reduce((a, b) => a + b, 0),
    webhookDeliveries: { sent: n(h.sent), failed: n(h.failed) },
  };
}

/** What is in force right now (not limited to the period). */
export async function collectState(db: Executor, now = new Date()): Promise<State> {
  const [pol, s] = await Promise.all([
    db.execute(sql`select name, enabled, built_in, active_version from policies order by name`),
    db.execute(sql`
      select (select count(*) from trust_configs where enabled)::int as trust,
             (select count(*) from webhooks where enabled)::int as hooks,
             (select count(*) from users where role in ('admin', 'approver') and disabled_at is null)::int as approvers,
             (select count(*) from agents)::int as agents,
             (select count(*) from agents where status = 'quarantined')::int as quarantined,
             (select count(*) from connectors)::int as connectors,
             (select count(*) from connectors where not managed)::int as unmanaged,
             (select count(*) from credentials where jit and revoked_at is null and (expires_at is null or expires_at > ${ts(now)}))::int as jit_live,
             head.seq as head_seq, head.hash as head_hash
      from (select 1) one left join lateral (select seq, hash from audit_events order by seq desc limit 1) head on true`),
  ]);
  const r = rows<Record<string, unknown>>(s)[0] ?? {};
  return {
    policies: rows<{ name: string; enabled: boolean; built_in: boolean; active_version: number | null }>(pol).map((p) => ({
      name: p.name,
      enabled: p.enabled,
      builtIn: p.built_in,
      activeVersion: p.active_version == null ? null : n(p.active_version),
    })),
    trustConfigsEnabled: n(r.trust),
    webhooksEnabled: n(r.hooks),
    approvers: n(r.approvers),
    agents: n(r.agents),
    agentsQuarantined: n(r.quarantined),
    connectors: n(r.connectors),
    unmanagedConnectors: n(r.unmanaged),
    jitLive: n(r.jit_live),
    chainHead: { seq: n(r.head_seq), hash: (r.head_hash as string | null) ?? "" },
  };
}

const EXAMPLES = 3;

/** Up to three recent examples per reason code, finding kind and escalation status. */
export async function collectExamples(db: Executor, p: Period): Promise<Examples> {
  const [dec, finds, esc, drift, revoked, quarantines] = await Promise.all([
    db.execute(sql`
      select code, policy_id, id, session_id, outcome::text, action from (
        select r->>'code' as code, coalesce(r->>'policyId', '') as policy_id, d.id, d.session_id, d.outcome,
               d.connector || ':' || d.tool || '.' || d.operation as action,
               row_number() over (partition by r->>'code', coalesce(r->>'policyId', '') order by d.created_at desc, d.id) as rn
        from decisions d cross join lateral jsonb_array_elements(d.reasons) r
        where ${within("d.created_at", p)} and d.outcome <> 'allow' and d.session_id is not null) x
      where rn <= ${EXAMPLES}`),
    db.execute(sql`
      select kind, id, title, session_id, credential_id from (
        select f.*, row_number() over (partition by kind order by first_seen_at desc, id) as rn
        from findings f where ${within("first_seen_at", p)}) x
      where rn <= ${EXAMPLES}`),
    db.execute(sql`
      select status::text, id, kind::text, risk::text from (
        select e.*, row_number() over (partition by status order by created_at desc, id) as rn
        from escalations e where ${within("created_at", p)}) x
      where rn <= ${EXAMPLES}`),
    db.execute(sql`
      select s.id, s.goal, x.n from (
        select session_id, count(*)::int as n, max(created_at) as last_at from decisions
        where ${within("created_at", p)} and diff is not null and session_id is not null
        group by session_id order by last_at desc limit ${EXAMPLES}) x
      join sessions s on s.id = x.session_id order by x.last_at desc`),
    db.execute(sql`
      select id, name, revoke_reason from credentials where ${within("revoked_at", p)}
      order by revoked_at desc, id limit ${EXAMPLES}`),
    db.execute(sql`
      select seq, id, actor_label, target_id from audit_events where ${within("occurred_at", p)} and action = 'agent.quarantined'
      order by seq desc limit ${EXAMPLES}`),
  ]);
  const decisionsByReason = new Map<string, ReportExample[]>();
  for (const r of rows<{ code: string; policy_id: string; id: string; session_id: string; outcome: string; action: string }>(dec)) {
    if (r.code == null) continue;
    const ex: ReportExample = { kind: "session", id: r.session_id, label: `${r.outcome}: ${r.action} (${r.code})`, href: `/sessions/${r.session_id}` };
    push(decisionsByReason, r.policy_id ? `${r.code}|${r.policy_id}` : r.code, ex);
  }
  // Code-level examples: the newest few across that code's policies.
  for (const [key, list] of [...decisionsByReason]) {
    if (!key.includes("|")) continue;
    const code = key.split("|")[0];
    const merged = decisionsByReason.get(code) ?? [];
    for (const e of list) if (merged.length < EXAMPLES) merged.push(e);
    decisionsByReason.set(code, merged);
  }
  const findingsByKind = new Map<string, ReportExample[]>();
  for (const f of rows<{ kind: string; id: string; title: string; session_id: string | null; credential_id: string | null }>(finds)) {
    const href = f.session_id ? `/sessions/${f.session_id}` : f.credential_id ? `/credentials/${f.credential_id}` : `/findings?${new URLSearchParams({ status: "all", kind: f.kind, from: p.from.toISOString(), to: p.to.toISOString() })}`;
    push(findingsByKind, f.kind, { kind: "finding", id: f.id, label: f.title.slice(0, 160), href });
  }
  const escalationsByStatus = new Map<string, ReportExample[]>();
  for (const e of rows<{ status: string; id: string; kind: string; risk: string }>(esc)) {
    push(escalationsByStatus, e.status, { kind: "escalation", id: e.id, label: `${e.risk}-risk ${e.kind.replaceAll("_", " ")} escalation, ${e.status}`, href: `/escalations/${e.id}` });
  }
  return {
    decisionsByReason,
    findingsByKind,
    escalationsByStatus,
    driftSessions: rows<{ id: string; goal: string; n: number }>(drift).map((s) => ({
      kind: "session",
      id: s.id,
      label: `${n(s.n)} call(s) outside intent · "${s.goal.slice(0, 80)}"`,
      href: `/sessions/${s.id}`,
    })),
    revokedCredentials: rows<{ id: string; name: string; revoke_reason: string | null }>(revoked).map((c) => ({
      kind: "credential",
      id: c.id,
      label: `${c.name}${c.revoke_reason ? ` · ${c.revoke_reason.slice(0, 80)}` : ""}`,
      href: `/credentials/${c.id}`,
    })),
    quarantines: rows<{ seq: number; id: string; actor_label: string }>(quarantines).map((e) => ({
      kind: "event",
      id: e.id,
      label: `Agent quarantined by ${e.actor_label} (event #${n(e.seq)})`,
      href: `/audit?seq=${n(e.seq)}`,
    })),
  };
}
