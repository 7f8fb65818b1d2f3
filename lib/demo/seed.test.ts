import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyRun } from "@/lib/audit/chain";
import { verifyPassword } from "@/lib/auth/password";
import { openDatabase, rows, type DatabaseHandle } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import type { ActionShape } from "@/lib/db/schema/decisions";
import type { Intent } from "@/lib/db/schema/sessions";
import { actionRisk, intentRisk, type RiskTier } from "@/lib/policy/escalation-risk";
import { actionHash, checkIntentWithinEnvelope } from "@/lib/policy/intent";
import { onceGrantTtlMs } from "@/lib/services/escalations/config";
import { AGENTS, CONNECTORS, createRng, DEMO_PEOPLE, demoPassword } from "./fleet";
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
        // A widening beyond the envelope would be refused outright, never escalated to a person.
        if (task.widen) expect(checkIntentWithinEnvelope({ ...intent, actions: [...intent.actions, task.widen] }, agent.envelope).inside, `${agent.name}: widen`).toBe(true);
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

  it("creates one person per role, plus a second approver, whose demo passwords work", async () => {
    const people = await q<{ email: string; role: string; password_hash: string }>(sql`select email, role, password_hash from users order by email`);
    expect(people).toHaveLength(5);
    expect(new Set(people.map((p) => p.role))).toEqual(new Set(["admin", "analyst", "approver", "auditor"]));
    expect(people.filter((p) => p.role === "approver").map((p) => p.email)).toEqual(["approver2@warden.local", "approver@warden.local"]);
    expect(result.people.map((p) => p.email).sort()).toEqual(DEMO_PEOPLE.map((p) => p.email).sort());
    const admin = people.find((p) => p.role === "admin")!;
    expect(await verifyPassword("warden-admin-demo", admin.password_hash)).toBe(true);
    expect(result.people.find((p) => p.role === "admin")!.password).toBe("warden-admin-demo");
    // Keyed per person; a role still names the first person with it.
    expect(demoPassword("approver")).toBe("warden-approver-demo");
    expect(result.people.find((p) => p.key === "approver2")).toMatchObject({ email: "approver2@warden.local", role: "approver", password: "warden-approver2-demo" });
    const avery = people.find((p) => p.email === "approver2@warden.local")!;
    expect(await verifyPassword("warden-approver2-demo", avery.password_hash)).toBe(true);
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
    // Every escalate decision raised exactly the escalation that points back at it.
    const linked = await q<{ n: number }>(sql`select count(*)::int as n from decisions d join escalations e on e.id = d.escalation_id where d.outcome = 'escalate' and e.decision_id <> d.id`);
    expect(linked[0].n).toBe(0);
    const orphans = await q<{ n: number }>(sql`
      select count(*)::int as n from decisions d
      where d.outcome = 'escalate' and (d.escalation_id is null or not exists (select 1 from escalations e where e.id = d.escalation_id and e.decision_id = d.id))`);
    expect(orphans[0].n).toBe(0);
  });

  // The history must be one the server could have written (lib/services/escalations/decide.ts,
  // lib/policy/separation-of-duties.ts): these fail if the seed breaks one of its rules.
  describe("escalations decided the way the server decides them", () => {
    type Time = Date | string; // raw queries return timestamps as text
    const ms = (t: Time) => new Date(t).getTime();
    type Esc = { id: string; kind: string; status: string; risk: string; required_approvals: number; action: Record<string, unknown>; action_hash: string; agent_tier: RiskTier; owner_email: string; session_id: string; grant_id: string | null; created_at: Time; resolved_at: Time | null; resolution: string | null };
    type Vote = { escalation_id: string; user_id: string; email: string; role: string; vote: string; scope: string | null; created_at: Time };
    let escs: Esc[];
    let votes: Vote[];
    const votesOf = (id: string) => votes.filter((v) => v.escalation_id === id).sort((a, b) => ms(a.created_at) - ms(b.created_at));

    beforeAll(async () => {
      escs = await q<Esc>(sql`
        select e.id, e.kind, e.status, e.risk, e.required_approvals, e.action, e.action_hash, a.risk_tier as agent_tier, u.email as owner_email,
               e.session_id, e.grant_id, e.created_at, e.resolved_at, e.resolution
        from escalations e join agents a on a.id = e.agent_id join users u on u.id = a.owner_id`);
      votes = await q<Vote>(sql`select v.escalation_id, v.user_id, u.email, u.role, v.vote, v.scope, v.created_at from escalation_votes v join users u on u.id = v.user_id`);
      expect(escs.length).toBeGreaterThan(10);
      expect(votes.length).toBeGreaterThan(10);
    });

    it("lets only admins and approvers vote, never the agent's owner or the requester, each once", async () => {
      const byOwner = await q<{ n: number }>(sql`
        select count(*)::int as n from escalation_votes v join escalations e on e.id = v.escalation_id join agents a on a.id = e.agent_id where v.user_id = a.owner_id`);
      expect(byOwner[0].n).toBe(0);
      const byRequester = await q<{ n: number }>(sql`select count(*)::int as n from escalation_votes v join escalations e on e.id = v.escalation_id where e.requested_by = 'person:' || v.user_id`);
      expect(byRequester[0].n).toBe(0);
      expect(new Set(votes.map((v) => v.role))).toEqual(new Set(["admin", "approver"]));
      // Both approvers take part, which the one-approver seed could not show.
      expect(new Set(votes.map((v) => v.email))).toEqual(new Set(["admin@warden.local", "approver@warden.local", "approver2@warden.local"]));
      for (const e of escs) {
        const vs = votesOf(e.id);
        expect(new Set(vs.map((v) => v.user_id)).size, e.id).toBe(vs.length);
        expect(vs.every((v) => ms(v.created_at) >= ms(e.created_at) && (!e.resolved_at || ms(v.created_at) <= ms(e.resolved_at))), e.id).toBe(true);
      }
    });

    it("rates risk with the server's functions: high risk needs two different approvers", () => {
      for (const e of escs) {
        const expected = e.kind === "intent_change" ? intentRisk((e.action as { to: Intent }).to, e.agent_tier) : actionRisk(e.action as ActionShape, e.agent_tier);
        expect({ risk: e.risk, requiredApprovals: e.required_approvals }, e.id).toEqual(expected);
      }
      const twoPerson = escs.filter((e) => e.required_approvals === 2);
      expect(twoPerson.filter((e) => e.status === "approved").length).toBeGreaterThan(0);
      for (const e of escs.filter((x) => x.status === "approved" || x.status === "denied")) {
        const vs = votesOf(e.id);
        const approvers = new Set(vs.filter((v) => v.vote === "approve").map((v) => v.user_id));
        if (e.status === "approved") {
          expect(approvers.size, e.id).toBe(e.required_approvals);
          expect(vs.every((v) => v.vote === "approve"), e.id).toBe(true);
        } else {
          // One deny settles it, possibly after the first of two approvals.
          expect(vs.at(-1)!.vote, e.id).toBe("deny");
          expect(vs.filter((v) => v.vote === "deny"), e.id).toHaveLength(1);
          expect(approvers.size, e.id).toBeLessThan(e.required_approvals);
        }
        expect(e.resolution, e.id).toBeTruthy();
      }
      for (const e of escs.filter((x) => x.status === "pending" || x.status === "expired")) {
        expect(votesOf(e.id).every((v) => v.vote === "approve") && votesOf(e.id).length < e.required_approvals, e.id).toBe(true);
      }
    });

    it("takes votes only before the escalation expires, and approvals only while the session is live", async () => {
      const late = await q<{ n: number }>(sql`
        select count(*)::int as n from escalation_votes v join escalations e on e.id = v.escalation_id join sessions s on s.id = e.session_id
        where v.created_at >= e.expires_at
           or (v.vote = 'approve' and (v.created_at >= s.expires_at or v.created_at >= coalesce(s.ended_at, 'infinity'::timestamptz) or s.status not in ('active', 'ended', 'expired')))`);
      expect(late[0].n).toBe(0);
      const expiredEarly = await q<{ n: number }>(sql`select count(*)::int as n from escalations where status = 'expired' and resolved_at < expires_at`);
      expect(expiredEarly[0].n).toBe(0);
    });

    it("gives every approved action escalation with scope once or session its grant, used by a later allow of that action", async () => {
      const grants = await q<{ id: string; escalation_id: string; session_id: string; action_hash: string; scope: string; uses_left: number | null; consumed_at: Time | null; expires_at: Time; created_at: Time; session_expires: Time }>(sql`
        select g.id, g.escalation_id, g.session_id, g.action_hash, g.scope, g.uses_left, g.consumed_at, g.expires_at, g.created_at, s.expires_at as session_expires
        from grants g join sessions s on s.id = g.session_id`);
      const allows = await q<{ id: string; connector: string; tool: string; operation: string; resource: string | null; sensitivity: string; destination: string | null; reasons: { code: string }[]; escalation_id: string | null; grant_id: string | null; created_at: Time }>(sql`
        select id, connector, tool, operation, resource, sensitivity, destination, reasons, escalation_id, grant_id, created_at from decisions
        where outcome = 'allow' and (grant_id is not null or reasons @> '[{"code":"approval.granted"}]')`);
      const scopes = new Set<string>();
      for (const e of escs.filter((x) => x.status === "approved")) {
        const scope = votesOf(e.id).at(-1)!.scope;
        const grant = grants.find((g) => g.escalation_id === e.id);
        if (e.kind === "action" && (scope === "once" || scope === "session")) {
          scopes.add(scope);
          expect(grant, e.id).toBeDefined();
          expect(e.grant_id, e.id).toBe(grant!.id);
          expect(grant).toMatchObject({ scope, session_id: e.session_id, action_hash: e.action_hash });
          expect(ms(grant!.created_at)).toBe(ms(e.resolved_at!));
          expect(grant!.action_hash).toBe(actionHash(e.action as ActionShape));
        } else {
          // Intent changes and "amend the intent" change the intent instead: no grant.
          expect(grant, e.id).toBeUndefined();
          expect(e.grant_id, e.id).toBeNull();
          expect(scope, e.id).toBe(e.kind === "intent_change" ? null : "amend_intent");
        }
      }
      expect(scopes).toEqual(new Set(["once", "session"]));
      expect(escs.filter((e) => e.status !== "approved").every((e) => e.grant_id === null)).toBe(true);

      for (const g of grants) {
        const uses = allows.filter((d) => d.grant_id === g.id);
        if (g.scope === "once") {
          expect(ms(g.expires_at)).toBeLessThanOrEqual(ms(g.created_at) + onceGrantTtlMs());
          expect(uses.length, g.id).toBeLessThanOrEqual(1);
          expect(g.uses_left, g.id).toBe(uses.length ? 0 : 1);
          expect(g.consumed_at && ms(g.consumed_at), g.id).toBe(uses.length ? ms(uses[0].created_at) : null);
        } else {
          expect(g.uses_left, g.id).toBeNull();
          expect(g.consumed_at, g.id).toBeNull();
          // Until the session's expiry as it stood when approved (a later narrowing may shorten the session).
          expect(ms(g.expires_at), g.id).toBeGreaterThanOrEqual(ms(g.session_expires));
        }
        for (const d of uses) {
          expect(d.escalation_id, d.id).toBe(g.escalation_id);
          expect(actionHash({ ...d, resource: d.resource ?? undefined, destination: d.destination ?? undefined }), d.id).toBe(g.action_hash);
          expect(ms(d.created_at) >= ms(g.created_at) && ms(d.created_at) < ms(g.expires_at), d.id).toBe(true);
        }
      }
      // The allow that rests on an approval says so, and names it.
      expect(allows.length).toBeGreaterThan(0);
      for (const d of allows) {
        expect(d.reasons.map((r) => r.code), d.id).toEqual(["approval.granted"]);
        expect(d.grant_id && d.escalation_id, d.id).toBeTruthy();
      }
    });

    it("files intent changes as { from, to, version }, matched by an intent version that was accepted or rejected", async () => {
      const versions = await q<{ session_id: string; version: number; status: string; intent: Intent; requested_by: string }>(sql`select session_id, version, status, intent, requested_by from session_intents`);
      const changes = escs.filter((e) => e.kind === "intent_change");
      expect(changes.length).toBeGreaterThan(0);
      for (const e of changes) {
        const a = e.action as { from: Intent; to: Intent; version: number };
        expect(Object.keys(a).sort(), e.id).toEqual(["from", "to", "version"]);
        expect(Number.isInteger(a.version) && a.version > 1, e.id).toBe(true);
        expect(a.from.actions && a.to.actions, e.id).toBeTruthy();
        const v = versions.find((x) => x.session_id === e.session_id && x.version === a.version);
        expect(v, e.id).toBeDefined();
        expect(v!.intent).toEqual(a.to);
        expect(v!.status, e.id).toBe({ approved: "accepted", denied: "rejected", expired: "rejected", pending: "pending" }[e.status]);
      }
      // "Amend the intent": a new accepted version in the approving person's name.
      for (const e of escs.filter((x) => x.kind === "action" && x.status === "approved" && votesOf(x.id).at(-1)!.scope === "amend_intent")) {
        const last = votesOf(e.id).at(-1)!;
        expect(versions.some((v) => v.session_id === e.session_id && v.status === "accepted" && v.requested_by === `person:${last.user_id}`), e.id).toBe(true);
      }
    });

    it("audits votes with the server's action names, the chain of events matching the rows", async () => {
      const events = await q<{ action: string; actor_kind: string; actor_label: string; target_id: string; detail: Record<string, unknown> }>(sql`
        select action, actor_kind, actor_label, target_id, detail from audit_events where target_kind = 'escalation' order by seq`);
      expect(new Set(events.map((e) => e.action))).toEqual(
        new Set(["escalation.approval_recorded", "escalation.approved", "escalation.denied", "escalation.expired", "session.intent_widened", ...(events.some((e) => e.action === "session.intent_amended") ? ["session.intent_amended"] : [])]),
      );
      const count = (action: string) => events.filter((e) => e.action === action).length;
      const status = (s: string) => escs.filter((e) => e.status === s).length;
      expect(count("escalation.approved")).toBe(status("approved"));
      expect(count("escalation.denied")).toBe(status("denied"));
      expect(count("escalation.expired")).toBe(status("expired"));
      expect(count("escalation.approval_recorded") + count("escalation.approved")).toBe(votes.filter((v) => v.vote === "approve").length);
      for (const ev of events.filter((e) => e.action === "escalation.expired")) expect([ev.actor_kind, ev.actor_label]).toEqual(["system", "escalation expiry"]);
      for (const ev of events.filter((e) => e.action === "escalation.approved")) {
        const e = escs.find((x) => x.id === ev.target_id)!;
        expect(ev.detail).toMatchObject({ kind: e.kind, risk: e.risk, grantId: e.grant_id, approvals: e.required_approvals, requiredApprovals: e.required_approvals });
        expect(ev.actor_label).toBe(votesOf(e.id).at(-1)!.email);
      }
    });

    it("leaves pending escalations a demo can show: one the approver may not decide, and a high-risk one", () => {
      const pending = escs.filter((e) => e.status === "pending");
      expect(pending.some((e) => e.owner_email === "approver@warden.local")).toBe(true);
      expect(pending.some((e) => e.risk === "high" && e.required_approvals === 2)).toBe(true);
      // One of two approvals already in: the next approver completes it.
      expect(pending.some((e) => votesOf(e.id).length === 1)).toBe(true);
    });
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

  it("audits every decision once, as the decision path does: decision.<outcome> by its agent, in its session, at its time", async () => {
    const decisions = await q<{ id: string; agent_id: string; session_id: string; agent_name: string; outcome: string; connector: string; tool: string; operation: string; resource: string | null; reasons: { code: string }[]; policy_version: string; escalation_id: string | null; grant_id: string | null; created_at: Date | string }>(sql`
      select d.id, d.agent_id, d.session_id, a.name as agent_name, d.outcome, d.connector, d.tool, d.operation, d.resource, d.reasons, d.policy_version, d.escalation_id, d.grant_id, d.created_at
      from decisions d join agents a on a.id = d.agent_id`);
    const events = await handle.db.select().from(auditEvents).where(sql`${auditEvents.targetKind} = 'decision'`);
    expect(decisions.length).toBeGreaterThan(1000);
    expect(events).toHaveLength(decisions.length);
    const byTarget = new Map<string, (typeof events)[number][]>();
    for (const e of events) byTarget.set(e.targetId!, [...(byTarget.get(e.targetId!) ?? []), e]);
    let throughApproval = 0;
    for (const d of decisions) {
      const evs = byTarget.get(d.id) ?? [];
      expect(evs, d.id).toHaveLength(1);
      const ev = evs[0];
      expect(ev.action).toBe(`decision.${d.outcome}`);
      expect([ev.actorKind, ev.actorId, ev.actorLabel]).toEqual(["agent", d.agent_id, d.agent_name]);
      expect([ev.agentId, ev.sessionId]).toEqual([d.agent_id, d.session_id]);
      expect(ev.occurredAt.getTime()).toBe(new Date(d.created_at).getTime());
      const detail = ev.detail as Record<string, unknown>;
      expect(detail).toMatchObject({ action: `${d.connector}:${d.tool}.${d.operation}`, resource: d.resource, reasons: d.reasons.map((r) => r.code), policyVersion: d.policy_version });
      if (d.outcome === "allow" && d.grant_id) {
        throughApproval++;
        expect(detail).toMatchObject({ escalationId: d.escalation_id, grantId: d.grant_id });
        expect(d.reasons.map((r) => r.code)).toEqual(["approval.granted"]);
        expect((detail.approvedOver as string[]).length, d.id).toBeGreaterThan(0);
      } else {
        expect(detail).not.toHaveProperty("grantId");
        expect(detail).not.toHaveProperty("escalationId");
      }
    }
    expect(throughApproval).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(["decision.allow", "decision.deny", "decision.escalate"]));
  });

  it("appends an intact audit chain, in time order, ending with demo.seeded", async () => {
    const events = await handle.db.select().from(auditEvents).orderBy(auditEvents.seq);
    const [{ n }] = await q<{ n: number }>(sql`select count(*)::int as n from decisions`);
    expect(events.length).toBeGreaterThan(n + 40);
    expect(events.length).toBeLessThan(n + 400);
    expect(events.at(-1)!.detail).toMatchObject({ auditEvents: events.length });
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
