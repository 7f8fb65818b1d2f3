import { randomUUID } from "node:crypto";
import { eq, like, or, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GroupWriter, type Submission } from "../../lib/audit/group-writer";
import { recordAudit } from "../../lib/audit/record";
import { verifyAuditChain } from "../../lib/audit/verify";
import { rows, type DatabaseHandle } from "../../lib/db/client";
import { agents, connectors, escalations, findings, sessionIntents, sessions } from "../../lib/db/schema";
import type { Intent } from "../../lib/db/schema/sessions";
import { callsPerAgentMinute } from "../../lib/services/findings/paced-count";
import { detectSessionFindings } from "../../lib/services/findings/session-detectors";
import { DB_KINDS, openTestDatabase } from "./db";

const intent = (over: Partial<Intent> = {}): Intent => ({ goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 3600, ...over });

describe.each(DB_KINDS)("behaviour detectors on %s", (kind) => {
  let h: DatabaseHandle;
  let writer: GroupWriter;
  const t0 = new Date(Date.now() - 180_000);

  const agent = async (name: string, riskTier: "low" | "medium" | "high" = "medium") =>
    (await h.db.insert(agents).values({ name, identity: `spiffe://t/${name}-${kind}`, identityKind: "spiffe", team: "t", riskTier, envelope: { actions: ["*"], maxSensitivity: "restricted", maxTtlSeconds: 3600 } }).returning())[0].id;
  const session = async (agentId: string, i = intent()) =>
    (await h.db.insert(sessions).values({ agentId, status: "active", goal: i.goal, intent: i, expiresAt: new Date(Date.now() + 3600_000) }).returning())[0].id;
  const call = (agentId: string, sessionId: string, over: Record<string, unknown> = {}, at = new Date()): Submission => {
    const id = randomUUID();
    const d = { id, sessionId, agentId, connector: "github", tool: "issues", operation: "read", outcome: "allow" as const, reasons: [], createdAt: at, ...over };
    return { decision: d as Submission["decision"], audit: { actor: { kind: "agent", id: agentId, label: "a" }, action: `decision.${d.outcome}`, target: { kind: "decision", id }, agentId, sessionId, occurredAt: at } };
  };
  const keys = async (prefix: string) => (await h.db.select().from(findings).where(like(findings.dedupeKey, `${prefix}%`))).map((f) => f.kind);

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    writer = new GroupWriter(h.db);
  });
  afterAll(async () => h?.close());

  it("raises each kind of finding from what sessions did, once, linked to the session and its framework items", async () => {
    // Drift: two calls outside the intent.
    const a1 = await agent("drifter");
    const s1 = await session(a1);
    const diff = [{ field: "action", declared: ["github:issues.read"], actual: "github:issues.write" }];
    for (let i = 0; i < 2; i++) await writer.submit(call(a1, s1, { operation: "write", outcome: "escalate", diff, reasons: [{ code: "intent.operation_not_declared", message: "x" }] }));
    // Retry after a deny.
    const a2 = await agent("retrier");
    const s2 = await session(a2);
    await writer.submit(call(a2, s2, { operation: "delete", outcome: "deny", reasons: [{ code: "policy.forbid", message: "x" }] }, new Date(Date.now() - 5000)));
    await writer.submit(call(a2, s2, { operation: "delete", outcome: "deny", reasons: [{ code: "policy.forbid", message: "x" }] }));
    // An unmanaged connector.
    const [shadow] = await h.db.insert(connectors).values({ name: `pastebin-${kind}`, displayName: "p", kind: "other", managed: false, sensitivity: "internal", environment: "unknown" }).returning();
    const a3 = await agent("shadow-user");
    const s3 = await session(a3);
    await writer.submit(call(a3, s3, { connector: shadow.name, connectorId: shadow.id, tool: "paste", operation: "create", outcome: "escalate" }));
    // Restricted data reaching a low-tier agent.
    const a4 = await agent("intern-bot", "low");
    const s4 = await session(a4);
    await writer.submit(call(a4, s4, { sensitivity: "restricted", outcome: "deny", reasons: [{ code: "policy.forbid", message: "x" }] }));
    // A delegated session that tried to reach beyond its parent.
    const a5 = await agent("delegate");
    const s5 = await session(a5);
    await recordAudit(h.db, { actor: { kind: "agent", id: a5, label: "delegate" }, action: "session.denied", target: { kind: "session", id: s5 }, agentId: a5, sessionId: s5, detail: { reasons: ["delegation.action_exceeded"] } });
    // An intent change that widened the session, and privileges that piled up.
    const a6 = await agent("widener");
    const s6 = await session(a6);
    await h.db.insert(sessionIntents).values([
      { sessionId: s6, version: 1, intent: intent(), status: "accepted", requestedBy: "agent:x" },
      { sessionId: s6, version: 2, intent: intent({ goal: "triage and email the CFO", actions: ["github:issues.read", "email:send.*"], maxSensitivity: "confidential" }), status: "accepted", requestedBy: "agent:x", diff: [{ field: "actions", before: [], after: [] }] },
    ]);
    for (let i = 0; i < 2; i++) await h.db.insert(escalations).values({ kind: "action", sessionId: s6, agentId: a6, action: {}, actionHash: `h${i}`, risk: "medium", status: "approved", resolvedAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
    // A narrowing is not a finding.
    const a7 = await agent("narrower");
    const s7 = await session(a7, intent({ actions: ["github:*"] }));
    await h.db.insert(sessionIntents).values([
      { sessionId: s7, version: 1, intent: intent({ actions: ["github:*"] }), status: "accepted", requestedBy: "agent:x" },
      { sessionId: s7, version: 2, intent: intent({ actions: ["github:issues.read"], goal: "only reading now" }), status: "accepted", requestedBy: "agent:x" },
    ]);
    // A burst: 70 calls in one minute from an agent with no history.
    const a8 = await agent("burster");
    const s8 = await session(a8);
    // Inside one whole minute that lies inside the detectors' window.
    const minute = new Date(Math.floor((Date.now() - 61_000) / 60_000) * 60_000);
    await Promise.all(Array.from({ length: 70 }, (_, i) => writer.submit(call(a8, s8, {}, new Date(minute.getTime() + i * 500)))));

    const first = await detectSessionFindings(h.db, t0);
    expect(first.raised).toBeGreaterThanOrEqual(8);
    expect(await keys(`drift:${s1}`)).toEqual(["intent_drift"]);
    expect(await keys(`retry:${s2}`)).toEqual(["retry_after_deny"]);
    expect(await keys(`unmanaged-use:${s3}`)).toEqual(["unmanaged_connector"]);
    expect(await keys(`highrisk-lowtier:${s4}`)).toEqual(["high_risk_low_tier"]);
    expect(await keys(`delegation:${s5}`)).toEqual(["delegation_widening"]);
    expect(await keys(`goal-change:${s6}`)).toEqual(["goal_change_risk"]);
    expect(await keys(`accumulation:${s6}`)).toEqual(["privilege_accumulation"]);
    expect(await keys(`goal-change:${s7}`)).toEqual([]);
    expect(await keys(`burst:${a8}`)).toEqual(["activity_burst"]);
    const [drift] = await h.db.select().from(findings).where(eq(findings.dedupeKey, `drift:${s1}`));
    expect(drift).toMatchObject({ sessionId: s1, agentId: a1, occurrences: 2, status: "open" });
    expect(drift.frameworkRefs).toContain("OWASP-ASI01");
    const [goal] = await h.db.select().from(findings).where(eq(findings.dedupeKey, `goal-change:${s6}:2`));
    expect(goal.severity).toBe("high"); // sensitivity went up
    expect(goal.title).toMatch(/widened/);

    // Seen again: refreshed, not duplicated; more drift moves the count.
    await writer.submit(call(a1, s1, { operation: "write", outcome: "escalate", diff }));
    const second = await detectSessionFindings(h.db, t0);
    expect(second.raised).toBe(0);
    const [again] = await h.db.select().from(findings).where(eq(findings.dedupeKey, `drift:${s1}`));
    expect(again.occurrences).toBe(3);
    expect(await h.db.select().from(findings).where(or(like(findings.dedupeKey, `drift:${s1}%`)))).toHaveLength(1);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it("judges a burst against the agent's usual rate over the week, taken from its sessions' counters", async () => {
    // Three days of steady work earlier in the week: 300,000 decisions, about 30 a minute over
    // the week, so 70 in one minute is not five times its usual rate. The same minute from an
    // agent with no history is a burst.
    const heavy = await agent("steady-heavy");
    const last = new Date(Date.now() - 86_400_000);
    await h.db.insert(sessions).values({ agentId: heavy, status: "ended", goal: "nightly sync", intent: intent(), startedAt: new Date(last.getTime() - 3 * 86_400_000), lastActivityAt: last, endedAt: last, expiresAt: last, decisionCount: 300_000 });
    const fresh = await agent("fresh-burster");
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    for (const a of [heavy, fresh]) {
      const s = await session(a);
      await Promise.all(Array.from({ length: 70 }, (_, i) => writer.submit(call(a, s, {}, new Date(minute.getTime() + i * 500)))));
    }
    await detectSessionFindings(h.db, new Date(Date.now() - 180_000));
    expect(await keys(`burst:${heavy}`)).toEqual([]);
    expect(await keys(`burst:${fresh}`)).toEqual(["activity_burst"]);
  });

  it("reaches the few rows three detectors want through partial indexes (migration 0014), not by reading the whole window", async () => {
    // A window of calls inside the intent, as a busy fleet has: none of them is in those indexes.
    const a = await agent("busy");
    const s = await session(a);
    await h.db.execute(
      sql`insert into decisions (id, session_id, agent_id, connector, tool, operation, outcome, reasons, created_at)
          select gen_random_uuid(), ${s}::uuid, ${a}::uuid, 'github', 'issues', 'read', 'allow', '[]'::jsonb, now() - g * interval '1 ms' from generate_series(1, 3000) g`,
    );
    await h.db.execute(sql`analyze decisions`);
    await h.db.execute(sql`analyze audit_events`);
    // The detectors' own predicates (session-detectors.ts: drift, retry, delegation). With
    // sequential scans off, the planner takes the cheapest index that can answer each one.
    const plans = await h.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const plan = async (q: ReturnType<typeof sql>) => JSON.stringify(rows(await tx.execute(sql`explain (format json) ${q}`)));
      return [
        await plan(sql`select distinct session_id from decisions where created_at > now() - interval '90 seconds' and diff is not null`),
        await plan(sql`select session_id from decisions where outcome = 'deny' and created_at > now() - interval '390 seconds'`),
        await plan(sql`select session_id from audit_events e where e.occurred_at > now() - interval '90 seconds' and e.actor_kind = 'agent' and e.action like 'session.%'`),
      ];
    });
    // Either partial index on out-of-intent calls will do (0009's by session, 0014's by time).
    expect(plans[0]).toMatch(/"Index Name":"decisions_(drift|out_of_intent_time)_idx"/);
    expect(plans[1]).toContain("decisions_denied_time_idx");
    expect(plans[2]).toContain("audit_events_session_time_idx");
    // Restricted-data calls (the low-tier detector) have their own partial index (0015).
    const restricted = await h.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return JSON.stringify(rows(await tx.execute(sql`explain (format json) select session_id from decisions where created_at > now() - interval '90 seconds' and sensitivity = 'restricted'`)));
    });
    expect(restricted).toContain("decisions_restricted_time_idx");
  });

  it("counts calls per agent and minute in paced slices that add up to one exact count", async () => {
    // 18,000 calls over four minutes from two agents (75 a second, so 100 rows fit in a slice
    // shorter than the 2 s maximum), read 100 rows a slice: well over a hundred slices, and no
    // call counted twice or missed at a slice's edge.
    const [a, b] = [await agent("sliced-a"), await agent("sliced-b")];
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 4 * 60_000;
    for (const [who, every] of [[a, 20], [b, 40]] as const) {
      const s = await session(who);
      await h.db.execute(
        sql`insert into decisions (id, session_id, agent_id, connector, tool, operation, outcome, reasons, created_at)
            select gen_random_uuid(), ${s}::uuid, ${who}::uuid, 'github', 'issues', 'read', 'allow', '[]'::jsonb, to_timestamp(${base / 1000}) + g * ${every} * interval '1 ms'
            from generate_series(0, ${(4 * 60_000) / every - 1}) g`,
      );
    }
    const m = (ms: number) => new Date(base + ms).toISOString().slice(0, 16);
    const expected = (every: number) => new Map([0, 1, 2, 3].map((i) => [m(i * 60_000), 60_000 / every]));
    const slices: number[] = [];
    const counted = await callsPerAgentMinute(h.db, new Date(base), { rowsPerSlice: 100, pauseFactor: 0 }, (n) => slices.push(n));
    expect(counted.get(a)).toEqual(expected(20));
    expect(counted.get(b)).toEqual(expected(40));
    expect(slices.length).toBeGreaterThan(15);
    // Each slice is sized from the rate the one before saw, so at a steady rate they hold about
    // the target (the other tests' calls of the last seconds can land in one larger slice).
    const median = [...slices].sort((x, y) => x - y)[Math.floor(slices.length / 2)];
    expect(median).toBeGreaterThan(50);
    expect(median).toBeLessThan(200);
  });

  it("never reads a burst after a quiet stretch in one slice", async () => {
    // A minute without calls, then 20,000 calls in 10 s. Doubling alone grew the slices to 32 s
    // over the quiet minute, and one slice then held 7,500 of the burst's rows; slices are at
    // most 2 s long, so no slice holds more than 2 s of the burst (4,000 rows).
    const who = await agent("quiet-then-burst");
    const s = await session(who);
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    await h.db.execute(
      sql`insert into decisions (id, session_id, agent_id, connector, tool, operation, outcome, reasons, created_at)
          select gen_random_uuid(), ${s}::uuid, ${who}::uuid, 'github', 'issues', 'read', 'allow', '[]'::jsonb, to_timestamp(${(base + 60_000) / 1000}) + g * interval '0.5 ms'
          from generate_series(0, 19999) g`,
    );
    const slices: number[] = [];
    const counted = await callsPerAgentMinute(h.db, new Date(base), { rowsPerSlice: 100, pauseFactor: 0 }, (n) => slices.push(n));
    expect(counted.get(who)).toEqual(new Map([[new Date(base + 60_000).toISOString().slice(0, 16), 20_000]]));
    expect(Math.max(...slices)).toBeLessThanOrEqual(4_000);
  });
});
