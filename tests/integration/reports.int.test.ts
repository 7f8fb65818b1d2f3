import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getReport } from "../../app/api/v1/reports/[framework]/route";
import { GET as listReports } from "../../app/api/v1/reports/route";
import { recordAudit } from "../../lib/audit/record";
import { rows, type DatabaseHandle } from "../../lib/db/client";
import { agents, credentials, decisions, escalations, escalationVotes, findings, grants, sessions } from "../../lib/db/schema";
import type { Reason } from "../../lib/db/schema/decisions";
import { buildReport } from "../../lib/reports/build";
import { REPORT_FRAMEWORKS, type Report } from "../../lib/reports/types";
import { listCredentials } from "../../lib/db/queries/credentials";
import { escalationListSchema, listEscalations } from "../../lib/db/queries/escalations";
import { findingListSchema, listFindings } from "../../lib/db/queries/findings";
import { listSessions, sessionListSchema } from "../../lib/db/queries/sessions";
import { credentialListSchema } from "@/lib/domain/credentials/schemas";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller } from "./route-helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(DB_KINDS)("framework reports on %s", (kind) => {
  let h: DatabaseHandle;
  const now = new Date();
  // The period under test: seven days ending an hour ago. Rows are seeded inside it, before it
  // and after it, so every count has something to leave out.
  const period = { from: new Date(now.getTime() - 7 * DAY), to: new Date(now.getTime() - HOUR) };
  const inside = (i = 0) => new Date(now.getTime() - 3 * DAY + i * 1000);
  const before = () => new Date(now.getTime() - 10 * DAY);
  const after = () => new Date(now.getTime() - 30 * 60_000);
  const call = routeCaller(() => {});
  const people: Record<string, { id: string; email: string; token: string }> = {};

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    const db = h.db;
    await ensureGuardrails(db);
    for (const role of ["admin", "auditor", "analyst", "approver"] as const) people[role] = await personWithToken(db, `${role}-reports@example.com`, role);
    const [agent] = await db
      .insert(agents)
      .values({ name: "report-bot", identity: `spiffe://t/report-bot-${kind}`, identityKind: "spiffe", team: "t", riskTier: "low", envelope: { actions: ["*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } })
      .returning();
    const mkSession = async () =>
      (await db.insert(sessions).values({ agentId: agent.id, status: "active", goal: "triage issues", intent: { goal: "triage issues", actions: ["github:*"], maxSensitivity: "internal", ttlSeconds: 3600 }, expiresAt: new Date(now.getTime() + HOUR) }).returning())[0].id;
    const s1 = await mkSession();
    const s2 = await mkSession();

    const r = (code: string, policyId?: string): Reason => ({ code, message: code, ...(policyId ? { policyId } : {}) });
    const drift = [{ field: "action", declared: ["github:*"], actual: "email:send" }];
    const dec = (at: Date, outcome: "allow" | "deny" | "escalate", reasons: Reason[] = [], opts: { session?: string; diff?: boolean } = {}) => ({
      id: randomUUID(), sessionId: opts.session ?? s1, agentId: agent.id, connector: "github", tool: "issues", operation: "read", outcome, reasons, diff: opts.diff ? drift : null, createdAt: at,
    });
    let i = 0;
    const at = () => inside(i++);
    await db.insert(decisions).values([
      ...Array.from({ length: 12 }, () => dec(at(), "allow")),
      dec(at(), "allow", [r("approval.granted")]),
      dec(at(), "deny", [r("intent.operation_not_declared"), r("intent.destination_not_allowed")], { diff: true }),
      dec(at(), "deny", [r("intent.operation_not_declared")], { diff: true, session: s2 }),
      dec(at(), "escalate", [r("intent.sensitivity_exceeded")], { diff: true }),
      dec(at(), "deny", [r("policy.forbid", "restricted-data-stays-internal")]),
      // Two forbids on one decision: one decision for policy.forbid, one for each policy.
      dec(at(), "deny", [r("policy.forbid", "restricted-data-stays-internal"), r("policy.forbid", "inactive-agent-denied")]),
      dec(at(), "escalate", [r("policy.escalate", "unmanaged-connector-needs-person"), r("connector.unmanaged")]),
      dec(at(), "escalate", [r("policy.escalate", "repeated-denials-escalate")]),
      dec(at(), "deny", [r("policy.no_permit")]),
      dec(at(), "deny", [r("agent.envelope_exceeded")]),
      dec(at(), "deny", [r("agent.quarantined")]),
      dec(at(), "deny", [r("delegation.parent_inactive")], { session: s2 }),
      // Outside the period on both sides.
      dec(before(), "deny", [r("intent.operation_not_declared")], { diff: true }),
      dec(before(), "allow"),
      dec(after(), "escalate", [r("policy.escalate", "unmanaged-connector-needs-person")], { diff: true, session: s2 }),
      dec(after(), "deny", [r("agent.envelope_exceeded")]),
    ]);

    const esc = async (status: "pending" | "approved" | "denied" | "expired", createdAt: Date, k: "action" | "intent_change" = "action", requiredApprovals = 1) =>
      (
        await db
          .insert(escalations)
          .values({ kind: k, sessionId: s1, agentId: agent.id, action: { connector: "github", tool: "repo", operation: "push" }, actionHash: randomUUID(), risk: requiredApprovals > 1 ? "high" : "medium", requiredApprovals, status, expiresAt: new Date(createdAt.getTime() + HOUR), createdAt, resolvedAt: status === "pending" ? null : createdAt })
          .returning()
      )[0];
    const approved = await esc("approved", inside(100), "action", 2);
    await esc("approved", inside(101), "intent_change");
    await esc("denied", inside(102));
    await esc("denied", inside(103), "action", 2);
    await esc("expired", inside(104));
    await esc("pending", inside(105), "intent_change");
    await esc("approved", before());
    await esc("denied", after());
    await db.insert(escalationVotes).values([
      { escalationId: approved.id, userId: people.approver.id, vote: "approve", scope: "once", reason: "ok", createdAt: inside(110) },
      { escalationId: approved.id, userId: people.admin.id, vote: "approve", scope: "once", reason: "ok", createdAt: inside(111) },
    ]);
    await db.insert(grants).values([
      { escalationId: approved.id, sessionId: s1, actionHash: approved.actionHash, scope: "once", usesLeft: 1, expiresAt: new Date(now.getTime() + HOUR), createdAt: inside(112) },
      { escalationId: approved.id, sessionId: s1, actionHash: approved.actionHash, scope: "once", usesLeft: 1, expiresAt: new Date(now.getTime() + HOUR), createdAt: before() },
    ]);

    const cred = (name: string, issuedAt: Date, revokedAt: Date | null, revokedByKind: string | null, jit = true) => ({
      kind: "api_key" as const, name, agentId: agent.id, sessionId: jit ? s1 : null, jit, issuedAt, expiresAt: new Date(issuedAt.getTime() + HOUR), revokedAt, revokedByKind, revokeReason: revokedAt ? "test" : null,
    });
    await db.insert(credentials).values([
      cred("jit-1", inside(120), inside(121), "agent"),
      cred("jit-2", inside(122), inside(123), "person"),
      cred("jit-3", inside(124), null, null),
      cred("standing-1", before(), inside(125), "system", false),
      cred("jit-old", before(), before(), "agent"),
      cred("jit-late", inside(126), after(), "person"),
      cred("jit-new", after(), null, null),
    ]);

    const finding = (k: string, firstSeenAt: Date, sessionId: string | null = s1) => ({ kind: k, severity: "high" as const, title: `${k} seen`, agentId: agent.id, sessionId, firstSeenAt, lastSeenAt: firstSeenAt, dedupeKey: randomUUID() });
    await db.insert(findings).values([
      finding("intent_drift", inside(130)),
      finding("intent_drift", inside(131), s2),
      finding("standing_secret", inside(132), null),
      finding("unmanaged_connector", inside(133)),
      finding("activity_burst", before()),
      finding("retry_after_deny", after()),
    ]);

    const audit = (action: string, occurredAt: Date) => recordAudit(db, { actor: { kind: "system", label: "test" }, action, agentId: agent.id, occurredAt });
    for (const [action, when] of [
      ["agent.quarantined", inside(140)],
      ["agent.quarantined", before()],
      ["connector.discovered", inside(141)],
      ["credential.denied", inside(142)],
      ["credential.escalated", inside(143)],
      ["agent.credentials_revoked", inside(144)],
      ["session.credentials_revoked", inside(145)],
      ["trust.created", inside(146)],
      ["agent.created", inside(147)],
      ["connector.created", after()],
      ["credential.recorded", inside(148)],
      ["person.role_changed", inside(149)],
    ] as const)
      await audit(action, when);
  });
  afterAll(async () => h?.close());

  const n = async (q: SQL) => Number(rows<{ n: number }>(await h.db.execute(q))[0]?.n ?? 0);
  const inPeriod = (col: string) => sql`${sql.raw(col)} >= ${period.from.toISOString()}::timestamptz and ${sql.raw(col)} < ${period.to.toISOString()}::timestamptz`;
  const byCode = (code: string, policy?: string) =>
    n(sql`select count(*)::int as n from decisions d where ${inPeriod("d.created_at")} and d.outcome <> 'allow'
          and exists (select 1 from jsonb_array_elements(d.reasons) r where r->>'code' = ${code} ${policy ? sql`and r->>'policyId' = ${policy}` : sql``})`);
  const audits = (...actions: string[]) => n(sql`select count(*)::int as n from audit_events where ${inPeriod("occurred_at")} and action in (${sql.join(actions.map((a) => sql`${a}`), sql`, `)})`);
  const escs = (where: SQL) => n(sql`select count(*)::int as n from escalations where ${inPeriod("created_at")} and ${where}`);
  const revoked = (where: SQL) => n(sql`select count(*)::int as n from credentials where ${inPeriod("revoked_at")} and ${where}`);

  // Every evidence label the builder can produce, with the count written independently here.
  const expected: [RegExp, (m: RegExpMatchArray) => Promise<number>][] = [
    [/^decisions$/, () => n(sql`select count(*)::int as n from decisions where ${inPeriod("created_at")}`)],
    [/^decisions (denied|escalated)$/, (m) => n(sql`select count(*)::int as n from decisions where ${inPeriod("created_at")} and outcome = ${m[1] === "denied" ? "deny" : "escalate"}`)],
    [/^decisions outside the agent's envelope$/, () => byCode("agent.envelope_exceeded")],
    [/^decisions denied: agent quarantined$/, () => byCode("agent.quarantined")],
    [/^calls to unmanaged connectors stopped$/, () => byCode("connector.unmanaged")],
    [/^decisions denied or escalated: (.+)$/, (m) => byCode(m[1])],
    [/^decisions denied by guardrail (.+)$/, (m) => byCode("policy.forbid", m[1])],
    [/^decisions escalated by guardrail (.+)$/, (m) => byCode("policy.escalate", m[1])],
    [/^calls outside the declared intent$/, () => n(sql`select count(*)::int as n from decisions where ${inPeriod("created_at")} and diff is not null`)],
    [/^sessions with calls outside their intent$/, () => n(sql`select count(distinct session_id)::int as n from decisions where ${inPeriod("created_at")} and diff is not null`)],
    [/^intent changes escalated to a person$/, () => escs(sql`kind = 'intent_change'`)],
    // Status now: a pending request past its expiry is expired, as the escalations list shows it.
    [/^escalations (approved|denied)$/, (m) => escs(sql`status = ${m[1]}`)],
    [/^escalations expired$/, () => escs(sql`(status = 'expired' or (status = 'pending' and expires_at <= now()))`)],
    [/^escalations needing two approvers$/, () => escs(sql`required_approvals >= 2`)],
    [/^approvals given$/, () => n(sql`select count(*)::int as n from escalation_votes where vote = 'approve' and ${inPeriod("created_at")}`)],
    [/^grants created$/, () => n(sql`select count(*)::int as n from grants where ${inPeriod("created_at")}`)],
    [/^findings raised: (.+)$/, (m) => n(sql`select count(*)::int as n from findings where kind = ${m[1]} and ${inPeriod("first_seen_at")}`)],
    [/^just-in-time credentials issued$/, () => n(sql`select count(*)::int as n from credentials where jit and ${inPeriod("issued_at")}`)],
    [/^credentials revoked$/, () => revoked(sql`true`)],
    [/^credentials revoked by a person$/, () => revoked(sql`revoked_by_kind = 'person'`)],
    [/^credentials revoked by an agent/, () => revoked(sql`revoked_by_kind = 'agent'`)],
    [/^credentials revoked by the system$/, () => revoked(sql`coalesce(revoked_by_kind, '') not in ('person', 'agent')`)],
    [/^credential requests denied$/, () => audits("credential.denied")],
    [/^credential requests escalated$/, () => audits("credential.escalated")],
    [/^revoke-all actions$/, () => audits("agent.credentials_revoked", "session.credentials_revoked")],
    [/^agents quarantined$/, () => audits("agent.quarantined")],
    [/^unmanaged connectors discovered$/, () => audits("connector.discovered")],
    [/^identity trust changes$/, () => n(sql`select count(*)::int as n from audit_events where ${inPeriod("occurred_at")} and action like 'trust.%'`)],
    [/^agents registered$/, () => audits("agent.created")],
    [/^connectors registered$/, () => audits("connector.created")],
    [/^standing credentials recorded$/, () => audits("credential.recorded")],
    [/^role changes$/, () => audits("person.role_changed")],
    [/^audit events recorded$/, () => n(sql`select count(*)::int as n from audit_events where ${inPeriod("occurred_at")}`)],
    [/^webhook deliveries (sent|failed)$/, (m) => n(sql`select count(*)::int as n from webhook_deliveries where status = ${m[1]} and ${inPeriod("created_at")}`)],
  ];

  async function checkEvery(report: Report) {
    const seen = new Set<string>();
    for (const item of report.items)
      for (const e of item.evidence) {
        if (seen.has(e.label)) continue;
        seen.add(e.label);
        const rule = expected.find(([re]) => re.test(e.label));
        expect(rule, `no independent count for "${e.label}"`).toBeDefined();
        expect(e.count, e.label).toBe(await rule![1](e.label.match(rule![0])!));
      }
    return seen;
  }

  it("every count in every report equals a direct count over the period", async () => {
    const labels = new Set<string>();
    for (const fw of REPORT_FRAMEWORKS) {
      const report = await buildReport(h.db, people.auditor, fw, period);
      for (const l of await checkEvery(report)) labels.add(l);
      const s = report.summary;
      const direct = rows<Record<string, number>>(
        await h.db.execute(sql`select
          (select count(*) from decisions where ${inPeriod("created_at")})::int as decisions,
          (select count(*) from decisions where ${inPeriod("created_at")} and outcome = 'allow')::int as allowed,
          (select count(*) from decisions where ${inPeriod("created_at")} and outcome = 'deny')::int as denied,
          (select count(*) from decisions where ${inPeriod("created_at")} and outcome = 'escalate')::int as escalated,
          (select count(*) from escalations where ${inPeriod("created_at")} and status = 'approved')::int as "escalationsApproved",
          (select count(*) from escalations where ${inPeriod("created_at")} and status = 'denied')::int as "escalationsDenied",
          (select count(*) from escalations where ${inPeriod("created_at")} and (status = 'expired' or (status = 'pending' and expires_at <= now())))::int as "escalationsExpired",
          (select count(*) from credentials where ${inPeriod("revoked_at")})::int as "credentialsRevoked",
          (select count(*) from findings where ${inPeriod("first_seen_at")})::int as "findingsRaised"`),
      )[0];
      const { items, covered, partial, gaps, ...counts } = s;
      expect(counts).toEqual(direct);
      expect(covered + partial + gaps).toBe(items);
      expect(report.period).toEqual({ from: period.from.toISOString(), to: period.to.toISOString() });
      expect(report.generatedBy).toEqual({ id: people.auditor.id, email: people.auditor.email });
    }
    // The seed is not vacuous: these counts are known.
    const asi = await buildReport(h.db, people.auditor, "owasp-asi-2026", period);
    expect(asi.summary).toMatchObject({ decisions: 24, allowed: 13, denied: 8, escalated: 3, escalationsApproved: 2, escalationsDenied: 2, escalationsExpired: 2, credentialsRevoked: 3, findingsRaised: 4 });
    const ev = (id: string, label: string) => asi.items.find((i) => i.id === id)!.evidence.find((e) => e.label === label)?.count;
    expect(ev("ASI01", "sessions with calls outside their intent")).toBe(2);
    expect(ev("ASI01", "decisions denied or escalated: intent.operation_not_declared")).toBe(2);
    expect(ev("ASI02", "decisions denied by guardrail restricted-data-stays-internal")).toBe(2);
    expect(labels.size).toBeGreaterThan(20);
  });

  it("links each evidence count to a dashboard list holding exactly what was counted", async () => {
    // Following the href's query string through the list query gives the evidence count.
    const lists: Record<string, (p: Record<string, string>) => Promise<number>> = {
      "/escalations": async (p) => (await listEscalations(h.db, escalationListSchema.parse(p))).total,
      "/findings": async (p) => (await listFindings(h.db, findingListSchema.parse(p))).total,
      "/credentials": async (p) => (await listCredentials(h.db, credentialListSchema.parse(p))).total,
      "/sessions": async (p) => (await listSessions(h.db, sessionListSchema.parse(p))).total,
    };
    const checked = new Set<string>();
    for (const fw of REPORT_FRAMEWORKS) {
      const report = await buildReport(h.db, people.auditor, fw, period);
      for (const item of report.items)
        for (const e of item.evidence) {
          if (!e.href || checked.has(e.label)) continue;
          const url = new URL(e.href, "http://x");
          const count = lists[url.pathname];
          if (!count) continue;
          checked.add(e.label);
          const params = Object.fromEntries(url.searchParams);
          expect(params, e.label).toMatchObject(url.pathname === "/sessions" ? { driftFrom: period.from.toISOString(), driftTo: period.to.toISOString() } : { from: period.from.toISOString(), to: period.to.toISOString() });
          expect(await count(params), `${e.label} (${e.href})`).toBe(e.count);
        }
    }
    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        "credentials revoked",
        "escalations approved",
        "escalations denied",
        "escalations expired",
        "findings raised: intent_drift",
        "intent changes escalated to a person",
        "just-in-time credentials issued",
        "sessions with calls outside their intent",
      ]),
    );
  });

  it("reports the audit chain head, item statuses and gaps", async () => {
    const report = await buildReport(h.db, people.admin, "owasp-asi-2026", period);
    const [head] = rows<{ seq: number; hash: string }>(await h.db.execute(sql`select seq, hash from audit_events order by seq desc limit 1`));
    expect(report.chainHead).toEqual({ seq: Number(head.seq), hash: head.hash });
    expect(report.items.map((i) => i.id)).toEqual(["ASI01", "ASI02", "ASI03", "ASI04", "ASI05", "ASI06", "ASI07", "ASI08", "ASI09", "ASI10"]);
    const byId = Object.fromEntries(report.items.map((i) => [i.id, i]));
    expect(byId.ASI06.status).toBe("gap");
    expect(byId.ASI06.controls).toEqual([]);
    expect(byId.ASI01.status).toBe("covered");
    expect(byId.ASI04.status).toBe("partial");
    expect(byId.ASI04.note).toBeTruthy();
    // Examples link to real rows.
    expect(byId.ASI01.examples.length).toBeGreaterThan(0);
    for (const x of byId.ASI01.examples) expect(x.href).toMatch(/^\/(sessions|findings|credentials|escalations|audit)/);
    const guard = byId.ASI02.controls.find((c) => c.id === "guardrail.restricted-data-stays-internal")!;
    expect(guard).toMatchObject({ active: true });
    const nist = await buildReport(h.db, people.admin, "nist-ai-rmf-1.0", period);
    expect(nist.summary.items).toBe(72);
    expect(nist.items).toHaveLength(95);
    expect(nist.items.find((i) => i.id === "GOVERN 3.1")!.status).toBe("gap");
  });

  it("serves auditors and admins, refuses analysts and approvers, and checks the period", async () => {
    const path = "/api/v1/reports/owasp-asi-2026";
    const get = (token: string, query = "", framework = "owasp-asi-2026") => call(getReport, { token, path: `/api/v1/reports/${framework}${query}`, params: { framework } });
    for (const role of ["auditor", "admin"]) {
      const res = await get(people[role].token);
      expect(res.status, role).toBe(200);
      expect(res.body.framework.id).toBe("owasp-asi-2026");
      expect(res.body.items).toHaveLength(10);
      // Default period: the last 30 days.
      expect(new Date(res.body.period.to).getTime() - new Date(res.body.period.from).getTime()).toBe(30 * DAY);
    }
    for (const role of ["analyst", "approver"]) {
      expect((await get(people[role].token)).status, role).toBe(403);
      expect((await call(listReports, { token: people[role].token, path: "/api/v1/reports" })).status, role).toBe(403);
    }
    expect((await call(getReport, { path, params: { framework: "owasp-asi-2026" } })).status).toBe(401);
    const q = `?from=${encodeURIComponent(period.from.toISOString())}&to=${encodeURIComponent(period.to.toISOString())}`;
    const ok = await get(people.auditor.token, q);
    expect(ok.status).toBe(200);
    expect(ok.body.summary.decisions).toBe(24);
    for (const bad of ["?from=yesterday", "?to=2026-13-45", "?from=2026-02-01&to=2026-01-01", "?from=2026-01-01&to=2026-01-01", "?from=2024-01-01&to=2026-01-01"]) {
      const res = await get(people.auditor.token, bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.message, bad).toMatch(/from|to/);
    }
    expect((await get(people.auditor.token, "?from=2026-01-01&to=2026-01-31")).status).toBe(200);
    expect((await get(people.auditor.token, "", "owasp-top-secret")).status).toBe(404);
    const list = await call(listReports, { token: people.auditor.token, path: "/api/v1/reports" });
    expect(list.status).toBe(200);
    expect(list.body.items.map((f: { id: string; itemCount: number }) => [f.id, f.itemCount])).toEqual([
      ["owasp-asi-2026", 10],
      ["owasp-llm-top10-2025", 10],
      ["owasp-nhi-top10-2025", 10],
      ["nist-ai-rmf-1.0", 72],
      ["csa-maestro", 8],
    ]);
  });
});
