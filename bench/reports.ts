// Framework reports and their exports at scale: 1,000,000 decisions over 30 days (realistic
// outcome and reason mix), their escalations, findings, revoked credentials and a chained audit
// log in a fresh database; then buildReport and each export (build + render + SHA-256 + the
// report.exported audit row, exactly what the export route does) for every framework, 3 runs.
import { sql } from "drizzle-orm";
import { recordAuditMany } from "../lib/audit/record";
import { openDatabase, type Db } from "../lib/db/client";
import { buildReport } from "../lib/reports/build";
import { EXPORT_FORMATS } from "../lib/reports/export";
import { REPORT_FRAMEWORKS } from "../lib/reports/types";
import { personCreateSchema } from "@/lib/domain/people/schemas";
import { createPerson } from "../lib/services/people/create";
import { exportReport } from "../lib/services/reports/export";
import { freshDatabase, quantiles } from "./servers";

const DECISIONS = Number(process.env.BENCH_REPORT_DECISIONS ?? 1_000_000);
const RUNS = 3;
const DAYS = 30;

async function time<T>(fn: () => Promise<T>): Promise<{ p50: number; max: number; last: T }> {
  const ms: number[] = [];
  let last!: T;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  const q = quantiles(ms);
  return { p50: Math.round(q.p50), max: Math.round(q.max), last };
}

async function load(db: Db) {
  await db.execute(sql`
    insert into connectors (name, display_name, kind, managed, sensitivity)
    select 'connector-' || i, 'Connector ' || i, (array['mcp_server','saas_api','database','object_storage','messaging'])[1 + i % 5]::connector_kind,
           i <> 9, (array['public','internal','confidential','restricted'])[1 + i % 4]::sensitivity
    from generate_series(0, 9) i`);
  await db.execute(sql`
    insert into agents (name, identity, identity_kind, team, risk_tier, envelope)
    select 'agent-' || i, 'spiffe://bench/agent-' || i, 'spiffe', 'team-' || (i % 4), (array['low','medium','high'])[1 + i % 3]::risk_tier,
           '{"actions":["*"],"maxSensitivity":"restricted","maxTtlSeconds":3600}'::jsonb
    from generate_series(1, 20) i`);
  // One session a day per agent: 600 sessions, each holding about 1,700 of the decisions.
  await db.execute(sql`
    insert into sessions (agent_id, status, goal, intent, started_at, expires_at, ended_at)
    select a.id, case when d < ${DAYS - 1} then 'ended' else 'active' end::session_status, 'bench session', '{"goal":"g","actions":["*"],"maxSensitivity":"internal","ttlSeconds":3600}'::jsonb,
           now() - ((${DAYS} - d) * interval '1 day'), now() - ((${DAYS} - d) * interval '1 day') + interval '1 day',
           case when d < ${DAYS - 1} then now() - ((${DAYS} - d) * interval '1 day') + interval '20 hours' end
    from agents a cross join generate_series(0, ${DAYS - 1}) d`);
  // Outcomes: ~88% allow, 5% deny over ten reason codes, ~7% escalate; spread evenly over 30 days.
  await db.execute(sql`
    with s as (select id, agent_id, row_number() over (order by started_at, id) - 1 as n, count(*) over () as total from sessions),
         c as (select id, name, row_number() over (order by name) - 1 as n from connectors)
    insert into decisions (session_id, agent_id, connector_id, connector, tool, operation, sensitivity, outcome, reasons, diff, policy_version, latency_us, created_at)
    select s.id, s.agent_id, c.id, c.name, 'tool-' || (i % 7), (array['read','list','write','delete','send'])[1 + i % 5],
           (array['public','internal','confidential','restricted'])[1 + i % 4]::sensitivity,
           (case when i % 20 = 0 then 'deny' when i % 14 = 0 then 'escalate' else 'allow' end)::decision_outcome,
           case when i % 20 = 0 then jsonb_build_array(jsonb_build_object('code', (array['policy.forbid','policy.no_permit','intent.operation_not_declared','intent.sensitivity_exceeded',
                                        'intent.resource_not_declared','intent.destination_not_allowed','connector.unmanaged','session.expired','agent.envelope_exceeded','agent.quarantined'])[1 + (i / 20) % 10], 'message', 'bench'))
                when i % 14 = 0 then jsonb_build_array(jsonb_build_object('code', (array['policy.escalate','intent.operation_not_declared','intent.sensitivity_exceeded'])[1 + (i / 14) % 3], 'message', 'bench'))
                else '[]'::jsonb end,
           case when i % 14 = 0 and i % 20 <> 0 then '[{"field":"operation","declared":["read"],"actual":"write"}]'::jsonb end,
           'v1', 800 + i % 900,
           now() - (i::float / ${DECISIONS} * interval '${sql.raw(String(DAYS))} days')
    from generate_series(1, ${DECISIONS}) i
    join s on s.n = (${DECISIONS} - i)::bigint * s.total / (${DECISIONS} + 1)
    join c on c.n = i % 10`);
  // One escalation per escalated decision: ~80% approved, 12% denied, 5% expired, the rest pending.
  await db.execute(sql`
    insert into escalations (kind, session_id, agent_id, decision_id, action, action_hash, risk, reasons, diff, status, requested_by, expires_at, resolved_at, resolution, created_at)
    select 'action', d.session_id, d.agent_id, d.id, jsonb_build_object('connector', d.connector, 'tool', d.tool, 'operation', d.operation), md5(d.id::text),
           (array['low','medium','high'])[1 + (abs(hashtext(d.id::text)) % 3)]::risk_tier, d.reasons, d.diff,
           (case when h < 80 then 'approved' when h < 92 then 'denied' when h < 97 then 'expired' else 'pending' end)::escalation_status,
           'agent', d.created_at + interval '15 minutes',
           case when h < 97 then d.created_at + interval '3 minutes' end, case when h < 92 then 'bench' end, d.created_at
    from (select *, abs(hashtext(id::text || 'x')) % 100 as h from decisions where outcome = 'escalate') d`);
  await db.execute(sql`
    insert into findings (kind, severity, status, title, agent_id, framework_refs, dedupe_key, first_seen_at, last_seen_at, created_at)
    select (array['intent_drift','standing_secret','unmanaged_connector','privilege_escalation','excessive_denies'])[1 + i % 5],
           (array['info','low','medium','high','critical'])[1 + i % 5]::severity,
           (array['open','acknowledged','resolved'])[1 + i % 3]::finding_status, 'bench finding ' || i, a.id,
           (array['["ASI01","LLM06"]','["ASI03","NHI1"]','["ASI02"]','["ASI05","LLM05"]','[]'])[1 + i % 5]::jsonb,
           'bench-' || i, now() - (i::float / 2000 * interval '30 days'), now() - (i::float / 2000 * interval '30 days'), now() - (i::float / 2000 * interval '30 days')
    from generate_series(1, 2000) i join agents a on a.name = 'agent-' || (1 + i % 20)`);
  // JIT credentials, a quarter of them revoked before they expired.
  await db.execute(sql`
    insert into credentials (kind, name, agent_id, connector_id, session_id, jit, issued_at, expires_at, revoked_at, revoked_by_kind, revoke_reason)
    select 'api_key', 'jit-' || s.id || '-' || k, s.agent_id, (select id from connectors order by name offset k % 10 limit 1), s.id, true,
           s.started_at + k * interval '1 hour', s.started_at + (k + 1) * interval '1 hour',
           case when k % 4 = 0 then s.started_at + k * interval '1 hour' + interval '10 minutes' end,
           case when k % 4 = 0 then (array['person','system'])[1 + k % 2] end, case when k % 4 = 0 then 'bench' end
    from sessions s cross join generate_series(0, 9) k`);
  await appendChainedAudit(db, 5000);
}

/** A modest chained audit log (people's actions), hashed exactly as recordAudit would. */
async function appendChainedAudit(db: Db, n: number) {
  const actions = ["credential.revoked", "escalation.approved", "escalation.denied", "finding.acknowledged", "finding.resolved", "policy.updated", "agent.updated", "session.intent_changed"];
  const t0 = Date.now() - DAYS * 86_400_000;
  const events = Array.from({ length: n }, (_, i) => ({
    actor: { kind: "system" as const, label: "bench" },
    action: actions[i % actions.length],
    detail: { i },
    occurredAt: new Date(t0 + Math.floor((i / n) * DAYS * 86_400_000)),
  }));
  await recordAuditMany(db, events);
}

export async function benchReports() {
  const database = await freshDatabase("warden_bench_reports");
  const h = await openDatabase({ kind: "postgres", url: database.url, poolSize: 6 });
  try {
    const t0 = performance.now();
    await load(h.db);
    await h.db.execute(sql`vacuum analyze`);
    const input = personCreateSchema.parse({ email: "auditor@bench.test", name: "auditor", role: "auditor", password: "a long bench password" });
    const person = (await createPerson(h.db, { actor: { kind: "system", label: "bench" } }, input)).person;
    const caller = { actor: { kind: "person" as const, id: person.id, label: person.email } };
    const to = new Date();
    const period = { from: new Date(to.getTime() - DAYS * 86_400_000 - 3_600_000), to };
    console.log(`\nReport exports: ${DECISIONS.toLocaleString("en-US")} decisions over ${DAYS} days (with escalations, findings, credentials, 5,000 audit events) loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    console.log(`each figure: ${RUNS} runs, wall time in ms; an export = build + render + SHA-256 + report.exported audit row`);
    console.log("| framework | buildReport p50 / max | PDF p50 / max (size) | CSV p50 / max (size) | JSON p50 / max (size) |\n| --- | ---: | ---: | ---: | ---: |");
    for (const framework of REPORT_FRAMEWORKS) {
      const build = await time(() => buildReport(h.db, { id: person.id, email: person.email }, framework, period));
      const cells = [`${build.p50} / ${build.max}`];
      for (const format of EXPORT_FORMATS) {
        const r = await time(() => exportReport(h.db, caller, { id: person.id, email: person.email }, framework, period, format));
        cells.push(`${r.p50} / ${r.max} (${(r.last.bytes.length / 1024).toFixed(0)} KiB)`);
      }
      console.log(`| ${framework} (${build.last.items.length} items) | ${cells.join(" | ")} |`);
    }
  } finally {
    await h.close();
    await database.drop();
  }
}
