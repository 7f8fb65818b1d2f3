import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows, type DatabaseHandle } from "../../lib/db/client";
import { agents, decisions, sessions } from "../../lib/db/schema";
import { getOverviewCharts, getOverviewStats } from "../../lib/db/queries/overview";
import { DB_KINDS, openTestDatabase } from "./db";

describe.each(DB_KINDS)("overview charts on %s", (kind) => {
  let h: DatabaseHandle;
  const now = new Date();
  let busy: string;

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    const mkAgent = async (name: string) => (await h.db.insert(agents).values({ name, identity: `spiffe://t/${name}-${kind}`, identityKind: "spiffe", team: "t", riskTier: "low", envelope: { actions: ["*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } }).returning())[0].id;
    busy = await mkAgent("busy-bot");
    const quiet = await mkAgent("quiet-bot");
    const s = (await h.db.insert(sessions).values({ agentId: busy, status: "active", goal: "g", intent: { goal: "g", actions: ["*"], maxSensitivity: "internal", ttlSeconds: 3600 }, expiresAt: new Date(now.getTime() + 3600_000) }).returning())[0].id;
    const row = (agentId: string, outcome: "allow" | "deny" | "escalate", hoursAgo: number, connector = "github", drift = false) => ({
      id: randomUUID(), sessionId: s, agentId, connector, tool: "t", operation: "o", outcome, reasons: [],
      diff: drift ? [{ field: "action", declared: [], actual: "x" }] : null, createdAt: new Date(now.getTime() - hoursAgo * 3600_000),
    });
    await h.db.insert(decisions).values([
      ...Array.from({ length: 30 }, (_, i) => row(busy, "allow", i % 20)),
      ...Array.from({ length: 6 }, (_, i) => row(busy, "deny", i, "email", true)),
      ...Array.from({ length: 4 }, (_, i) => row(busy, "escalate", i, "github", true)),
      row(quiet, "deny", 2, "email"),
      // Outside 24 h, inside 7 days.
      ...Array.from({ length: 5 }, () => row(quiet, "deny", 48, "slack")),
    ]);
  });
  afterAll(async () => h?.close());

  it("counts exactly what a direct count over the same period gives", async () => {
    const c = await getOverviewCharts(h.db, "24h", now);
    const [direct] = rows<{ allow: number; deny: number; escalate: number }>(await h.db.execute(sql`select count(*) filter (where outcome = 'allow')::int as allow, count(*) filter (where outcome = 'deny')::int as deny, count(*) filter (where outcome = 'escalate')::int as escalate from decisions where created_at >= ${c.since}::timestamptz`));
    const sum = (k: "allow" | "deny" | "escalate") => c.timeline.reduce((n, b) => n + b[k], 0);
    expect({ allow: sum("allow"), deny: sum("deny"), escalate: sum("escalate") }).toEqual(direct);
    expect(direct).toEqual({ allow: 30, deny: 7, escalate: 4 });
    expect(c.byAgent[0]).toMatchObject({ name: "busy-bot", deny: 6, escalate: 4 });
    expect(c.byConnector.map((x) => x.name)).toEqual(["email", "github"]);
    expect(c.drifting).toEqual([{ id: busy, name: "busy-bot", attempts: 10, sessions: 1 }]);
    const week = await getOverviewCharts(h.db, "7d", now);
    expect(week.byConnector.find((x) => x.name === "slack")).toMatchObject({ deny: 5 });
    expect(week.timeline.reduce((n, b) => n + b.deny, 0)).toBe(12);
  });

  it("keeps counting as more decisions land in minutes already counted, and the stats agree with the charts", async () => {
    // Decisions in minutes the seed already filled: the per-minute counts add up, not overwrite.
    const more = await h.db.select().from(decisions).limit(3);
    await h.db.insert(decisions).values(more.map((d) => ({ ...d, id: randomUUID() })));
    await h.db.insert(decisions).values(more.slice(0, 1).map((d) => ({ ...d, id: randomUUID(), outcome: "deny" as const })));
    const c = await getOverviewCharts(h.db, "24h", now);
    const [direct] = rows<{ allow: number; deny: number; escalate: number }>(await h.db.execute(sql`select count(*) filter (where outcome = 'allow')::int as allow, count(*) filter (where outcome = 'deny')::int as deny, count(*) filter (where outcome = 'escalate')::int as escalate from decisions where created_at >= ${c.since}::timestamptz`));
    const sum = (k: "allow" | "deny" | "escalate") => c.timeline.reduce((n, b) => n + b[k], 0);
    expect({ allow: sum("allow"), deny: sum("deny"), escalate: sum("escalate") }).toEqual(direct);
    const [minutes] = rows<{ n: number }>(await h.db.execute(sql`select sum(n)::int as n from decision_minutes`));
    const [all] = rows<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from decisions`));
    expect(minutes.n).toBe(all.n);
    const stats = await getOverviewStats(h.db);
    expect(stats.decisions24h).toEqual(direct);
  });

  it("has every bucket of the range on one grid, the quiet ones as zeros", async () => {
    for (const [range, buckets, strideMs] of [["24h", 24, 3_600_000], ["7d", 28, 6 * 3_600_000]] as const) {
      const c = await getOverviewCharts(h.db, range, now);
      // Every bucket date_bin returned lies on the grid that starts at `since`: none is added off it.
      expect(c.timeline).toHaveLength(buckets);
      const starts = c.timeline.map((b) => new Date(b.bucket).getTime());
      expect(starts[0]).toBe(new Date(c.since).getTime());
      expect(starts.slice(1).every((t, i) => t - starts[i] === strideMs)).toBe(true);
    }
    // The seeded decisions are 0–19 h and 48 h old: in the 24 h view the buckets of 20–23 h ago are empty.
    const day = await getOverviewCharts(h.db, "24h", now);
    expect(day.timeline.slice(0, 4).every((b) => b.allow + b.deny + b.escalate === 0)).toBe(true);
  });
});
