import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyRun } from "@/lib/audit/chain";
import { verifyPassword } from "@/lib/auth/password";
import { openDatabase, rows, type DatabaseHandle } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { AGENTS, CONNECTORS, createRng, DEMO_PEOPLE } from "./fleet";
import { checkCall, intentInside, makeCall, planDemo, seedDemo, taskIntent, type SeedResult } from "./seed";

const NOW = new Date("2026-03-18T14:30:00Z");

describe("demo fleet", () => {
  it("has tasks whose usual calls fit the declared intent, and intents that fit the envelope", () => {
    const rng = createRng(1);
    for (const agent of AGENTS) {
      for (const task of agent.tasks) {
        const intent = taskIntent(task, task.goal);
        expect(intentInside(intent, { ...agent.envelope, goal: "", ttlSeconds: agent.envelope.maxTtlSeconds }), `${agent.name}: intent outside envelope`).toBe(true);
        expect(task.ttlSeconds).toBeLessThanOrEqual(agent.envelope.maxTtlSeconds);
        for (const step of task.steps) {
          const { reasons } = checkCall(intent, agent.envelope, makeCall(step, rng));
          expect(reasons, `${agent.name}: ${step.call}`).toEqual([]);
        }
        // A deviation either leaves the intent or is stopped by a named guardrail.
        for (const dev of agent.deviations.filter((d) => !d.forbid)) {
          expect(checkCall(intent, agent.envelope, makeCall(dev, rng)).reasons.length, `${agent.name}: deviation ${dev.call} is in intent`).toBeGreaterThan(0);
        }
      }
    }
  });

  it("plans the same history for the same seed", () => {
    const strip = (p: ReturnType<typeof planDemo>) => p.decisions.map((d) => [d.connector, d.tool, d.operation, d.outcome, d.createdAt?.toISOString()]);
    expect(strip(planDemo(NOW, 7))).toEqual(strip(planDemo(NOW, 7)));
  });
});

describe("seedDemo on an in-memory database", () => {
  let handle: DatabaseHandle;
  let result: SeedResult;
  let seedMs = 0;
  const progress: string[] = [];
  const q = async <T,>(query: ReturnType<typeof sql>) => rows<T>(await handle.db.execute(query));

  beforeAll(async () => {
    handle = await openDatabase({ kind: "pglite", dataDir: null });
    const t0 = performance.now();
    result = await seedDemo(handle.db, { now: NOW, onProgress: (step, done, total) => progress.push(`${done}/${total} ${step}`) });
    seedMs = performance.now() - t0;
    console.log(`[demo seed] ${Math.round(seedMs)} ms`, result.counts);
  }, 60_000);
  afterAll(async () => handle?.close());

  it("reports progress for every step", () => {
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.at(-1)).toMatch(/^(\d+)\/\1 /);
  });

  it("creates one person per role whose demo password works", async () => {
    const people = await q<{ email: string; role: string; password_hash: string }>(sql`select email, role, password_hash from users order by email`);
    expect(people).toHaveLength(4);
    expect(new Set(people.map((p) => p.role))).toEqual(new Set(["admin", "analyst", "approver", "auditor"]));
    expect(result.people.map((p) => p.email).sort()).toEqual(DEMO_PEOPLE.map((p) => p.email).sort());
    const admin = people.find((p) => p.role === "admin")!;
    expect(await verifyPassword("warden-admin-demo", admin.password_hash)).toBe(true);
    expect(result.people.find((p) => p.role === "admin")!.password).toBe("warden-admin-demo");
  });

  it("creates about twenty agents over all tiers, exactly one quarantined and one retired", async () => {
    const agents = await q<{ name: string; risk_tier: string; status: string; identity: string; owner_id: string | null; status_reason: string | null }>(
      sql`select name, risk_tier, status, identity, owner_id, status_reason from agents`,
    );
    expect(agents.length).toBeGreaterThanOrEqual(18);
    expect(agents.length).toBeLessThanOrEqual(25);
    expect(new Set(agents.map((a) => a.risk_tier))).toEqual(new Set(["low", "medium", "high"]));
    const quarantined = agents.filter((a) => a.status === "quarantined");
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0].status_reason).toBeTruthy();
    expect(agents.filter((a) => a.status === "retired")).toHaveLength(1);
    expect(agents.filter((a) => a.identity.startsWith("spiffe://acme.internal/ns/")).length).toBeGreaterThan(agents.length / 2);
    expect(agents.every((a) => a.owner_id)).toBe(true);
  });

  it("registers the connectors with their tools, plus one unmanaged shadow connector", async () => {
    const connectors = await q<{ name: string; managed: boolean; owner_id: string | null; first_seen_at: Date | null; tools: number }>(
      sql`select c.name, c.managed, c.owner_id, c.first_seen_at, (select count(*)::int from connector_tools t where t.connector_id = c.id) as tools from connectors c`,
    );
    expect(connectors).toHaveLength(CONNECTORS.length);
    const shadow = connectors.filter((c) => !c.managed);
    expect(shadow).toHaveLength(1);
    expect(shadow[0].owner_id).toBeNull();
    expect(shadow[0].first_seen_at).not.toBeNull();
    expect(connectors.every((c) => c.tools > 0)).toBe(true);
    const [{ n }] = await q<{ n: number }>(sql`select count(*)::int as n from decisions d join connectors c on c.id = d.connector_id where not c.managed`);
    expect(n).toBeGreaterThan(0);
  });

  it("has bootstrap keys, standing secrets and JIT credentials that look right", async () => {
    const creds = await q<{ kind: string; jit: boolean; secret_hash: string | null; session_id: string | null; expires_at: Date | null; revoked_at: Date | null; revoke_reason: string | null; status: string }>(
      sql`select c.kind, c.jit, c.secret_hash, c.session_id, c.expires_at, c.revoked_at, c.revoke_reason, a.status from credentials c join agents a on a.id = c.agent_id`,
    );
    const activeAgents = await q<{ n: number }>(sql`select count(*)::int as n from agents where status = 'active'`);
    const liveKeys = creds.filter((c) => c.kind === "bootstrap_key" && !c.revoked_at && c.status === "active");
    expect(liveKeys.length).toBe(activeAgents[0].n);
    expect(liveKeys.every((c) => c.secret_hash?.length === 64)).toBe(true);
    const standing = creds.filter((c) => !c.jit && c.kind !== "bootstrap_key");
    expect(standing.length).toBeGreaterThanOrEqual(5);
    expect(standing.every((c) => c.secret_hash === null)).toBe(true);
    expect(standing.some((c) => c.expires_at === null && !c.revoked_at)).toBe(true);
    const jit = creds.filter((c) => c.jit);
    expect(jit.length).toBeGreaterThan(20);
    expect(jit.every((c) => c.session_id && c.expires_at && c.secret_hash)).toBe(true);
    expect(jit.filter((c) => c.revoke_reason === "session ended").length).toBeGreaterThan(jit.length / 2);
    // Quarantine and retirement revoked everything those agents held.
    expect(creds.filter((c) => c.status !== "active" && !c.revoked_at)).toEqual([]);
  });

  it("writes a week of sessions whose counters match their decisions", async () => {
    const [s] = await q<{ total: number; active: number; ended: number; expired: number; children: number; v2: number; oldest: Date }>(sql`
      select count(*)::int as total,
             count(*) filter (where status = 'active')::int as active,
             count(*) filter (where status = 'ended')::int as ended,
             count(*) filter (where status = 'expired')::int as expired,
             count(*) filter (where parent_session_id is not null)::int as children,
             count(*) filter (where intent_version > 1)::int as v2,
             min(started_at) as oldest
      from sessions`);
    expect(s.total).toBeGreaterThanOrEqual(150);
    expect(s.total).toBeLessThanOrEqual(260);
    expect(s.active).toBe(5);
    expect(s.ended).toBeGreaterThan(s.total / 2);
    expect(s.expired).toBeGreaterThan(0);
    expect(s.children).toBeGreaterThan(0);
    expect(s.v2).toBeGreaterThan(0);
    expect(new Date(s.oldest).getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 7 * 86_400_000);

    const mismatched = await q<{ id: string }>(sql`
      select s.id from sessions s
      left join lateral (
        select count(*)::int as n, count(*) filter (where outcome = 'deny')::int as denies
        from decisions d where d.session_id = s.id
      ) d on true
      left join lateral (select count(*)::int as n from escalations e where e.session_id = s.id) e on true
      where s.decision_count <> d.n or s.deny_count <> d.denies or s.escalation_count <> e.n`);
    expect(mismatched).toEqual([]);

    const live = await q<{ n: number }>(sql`select count(*)::int as n from sessions where status = 'active' and (expires_at <= ${NOW.toISOString()} or started_at < ${new Date(NOW.getTime() - 3_600_000).toISOString()})`);
    expect(live[0].n).toBe(0);
    const intentsMissing = await q<{ n: number }>(sql`select count(*)::int as n from sessions s where not exists (select 1 from session_intents i where i.session_id = s.id and i.version = 1)`);
    expect(intentsMissing[0].n).toBe(0);
    const parents = await q<{ n: number }>(sql`select count(*)::int as n from sessions c join sessions p on p.id = c.parent_session_id where c.started_at < p.started_at or c.agent_id = p.agent_id`);
    expect(parents[0].n).toBe(0);
  });

  it("mixes allow, deny and escalate with reasons, diffs and realistic latency", async () => {
    const [d] = await q<{ allow: number; deny: number; escalate: number; total: number; bad_latency: number; deny_no_reason: number; out_of_intent_no_diff: number }>(sql`
      select count(*) filter (where outcome = 'allow')::int as allow,
             count(*) filter (where outcome = 'deny')::int as deny,
             count(*) filter (where outcome = 'escalate')::int as escalate,
             count(*)::int as total,
             count(*) filter (where latency_us not between 250 and 3000)::int as bad_latency,
             count(*) filter (where outcome <> 'allow' and jsonb_array_length(reasons) = 0)::int as deny_no_reason,
             count(*) filter (where reasons @> '[{"code":"intent.operation_not_declared"}]' and diff is null)::int as out_of_intent_no_diff
      from decisions`);
    expect(d.allow / d.total).toBeGreaterThan(0.8);
    expect(d.deny).toBeGreaterThan(10);
    expect(d.escalate).toBeGreaterThan(5);
    expect(d.bad_latency).toBe(0);
    expect(d.deny_no_reason).toBe(0);
    expect(d.out_of_intent_no_diff).toBe(0);
    const codes = await q<{ code: string }>(sql`select distinct r->>'code' as code from decisions, jsonb_array_elements(reasons) r`);
    expect(codes.map((c) => c.code)).toEqual(
      expect.arrayContaining(["intent.operation_not_declared", "intent.sensitivity_exceeded", "intent.destination_not_allowed", "policy.forbid", "connector.unmanaged", "agent.quarantined"]),
    );
  });

  it("leaves a few escalations pending and the rest settled", async () => {
    const esc = await q<{ status: string; n: number }>(sql`select status, count(*)::int as n from escalations group by status`);
    const by = Object.fromEntries(esc.map((e) => [e.status, e.n]));
    expect(by.pending).toBeGreaterThanOrEqual(1);
    expect(by.pending).toBeLessThanOrEqual(6);
    expect(by.approved).toBeGreaterThan(0);
    expect(by.denied).toBeGreaterThan(0);
    const pendingStale = await q<{ n: number }>(sql`
      select count(*)::int as n from escalations e join sessions s on s.id = e.session_id
      where e.status = 'pending' and (s.status <> 'active' or e.expires_at <= ${NOW.toISOString()})`);
    expect(pendingStale[0].n).toBe(0);
    // Every approved action escalation has a grant; every approval has enough distinct votes.
    const ungranted = await q<{ n: number }>(sql`select count(*)::int as n from escalations e where e.status = 'approved' and not exists (select 1 from grants g where g.escalation_id = e.id)`);
    expect(ungranted[0].n).toBe(0);
    const underVoted = await q<{ n: number }>(sql`
      select count(*)::int as n from escalations e
      where e.status = 'approved' and (select count(*) from escalation_votes v where v.escalation_id = e.id and v.vote = 'approve') < e.required_approvals`);
    expect(underVoted[0].n).toBe(0);
    const linked = await q<{ n: number }>(sql`select count(*)::int as n from decisions d join escalations e on e.id = d.escalation_id where d.outcome = 'escalate' and e.decision_id <> d.id`);
    expect(linked[0].n).toBe(0);
  });

  it("opens findings of every kind with unique dedupe keys and framework references", async () => {
    const findings = await q<{ kind: string; status: string; dedupe_key: string; framework_refs: string[]; agent_id: string | null }>(
      sql`select kind, status, dedupe_key, framework_refs, agent_id from findings`,
    );
    for (const kind of ["intent_drift", "standing_secret", "stale_credential", "unmanaged_connector", "retry_after_deny", "privilege_accumulation"]) {
      expect(findings.some((f) => f.kind === kind), kind).toBe(true);
    }
    expect(findings.filter((f) => f.status === "open").length).toBeGreaterThanOrEqual(5);
    expect(new Set(findings.map((f) => f.dedupe_key)).size).toBe(findings.length);
    expect(findings.every((f) => f.framework_refs.length > 0 && f.agent_id)).toBe(true);
  });

  it("appends a small, intact audit chain ending with demo.seeded", async () => {
    const events = await handle.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(events.length).toBeGreaterThan(40);
    expect(events.length).toBeLessThan(400);
    expect(events.at(-1)!.action).toBe("demo.seeded");
    expect(events.at(-1)!.detail).toMatchObject({ counts: { agents: AGENTS.length } });
    expect(verifyRun(events[0].prevHash, events).ok).toBe(true);
    const times = events.map((e) => e.occurredAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("runs in a few seconds", () => {
    expect(seedMs).toBeLessThan(20_000);
  });

  it("refuses to seed a database that already has people", async () => {
    await expect(seedDemo(handle.db, { now: NOW })).rejects.toThrow("database is not empty");
  });
});
