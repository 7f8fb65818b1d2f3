import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as findingRoute from "../../app/api/v1/findings/[id]/route";
import * as findingsRoute from "../../app/api/v1/findings/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, findings } from "../../lib/db/schema";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const call = routeCaller(() => {});
const H = (h: unknown) => h as RouteHandler;

describe.each(DB_KINDS)("the findings API on %s", (kind) => {
  let h: DatabaseHandle;
  let analyst: { id: string; token: string };
  let auditor: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    analyst = await personWithToken(h.db, `analyst-f-${kind}@example.com`, "analyst");
    auditor = (await personWithToken(h.db, `auditor-f-${kind}@example.com`, "auditor")).token;
    const rows = await h.db
      .insert(findings)
      .values([
        { kind: "intent_drift", severity: "high", title: "Drift A", dedupeKey: "t:a" },
        { kind: "standing_secret", severity: "medium", title: "Standing B", dedupeKey: "t:b" },
        { kind: "intent_drift", severity: "critical", title: "Drift C", status: "resolved", dedupeKey: "t:c" },
      ])
      .returning();
    ids = Object.fromEntries(rows.map((r) => [r.title, r.id]));
  });
  afterAll(async () => h?.close());

  const list = async (q = "", token = analyst.token) => (await call(H(findingsRoute.GET), { token, path: `/api/v1/findings${q}` })).body;
  const patch = (id: string, body: object, token = analyst.token) => call(H(findingRoute.PATCH), { token, method: "PATCH", path: `/api/v1/findings/${id}`, params: { id }, body });

  it("lists what needs attention by default, with filters and severity order", async () => {
    expect((await list()).items.map((f: { title: string }) => f.title).sort()).toEqual(["Drift A", "Standing B"]);
    expect((await list("?status=all&sort=severity&dir=desc")).items.map((f: { title: string }) => f.title)).toEqual(["Drift C", "Drift A", "Standing B"]);
    expect((await list("?kind=intent_drift&status=all")).total).toBe(2);
    expect((await list("?severity=medium")).items[0].title).toBe("Standing B");
    expect((await call(H(findingsRoute.GET), { token: analyst.token, path: "/api/v1/findings?status=bogus" })).status).toBe(400);
  });

  it("acknowledges, resolves, reopens and assigns, each with an audit event; a status change needs a note", async () => {
    const id = ids["Drift A"];
    const noNote = await patch(id, { status: "acknowledged" });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.fields[0].path).toBe("note");
    const ack = await patch(id, { status: "acknowledged", note: "looking at the agent's prompt" });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: "acknowledged", resolutionNote: "looking at the agent's prompt" });
    expect((await patch(id, { status: "acknowledged", note: "again" })).status).toBe(409);
    const assigned = await patch(id, { assigneeId: analyst.id });
    expect(assigned.body).toMatchObject({ assigneeId: analyst.id });
    expect((await patch(id, { assigneeId: crypto.randomUUID() })).status).toBe(400);
    const resolved = await patch(id, { status: "resolved", note: "prompt fixed, agent redeployed" });
    expect(resolved.body.status).toBe("resolved");
    expect(resolved.body.resolvedAt).toBeTruthy();
    const reopened = await patch(id, { status: "open", note: "it happened again" });
    expect(reopened.body).toMatchObject({ status: "open", resolvedAt: null });
    const events = await h.db.select().from(auditEvents).where(and(eq(auditEvents.targetKind, "finding"), eq(auditEvents.targetId, id))).orderBy(auditEvents.seq);
    expect(events.map((e) => e.action)).toEqual(["finding.acknowledged", "finding.assigned", "finding.resolved", "finding.reopened"]);
    expect(events[0].detail).toMatchObject({ from: "open", to: "acknowledged", note: "looking at the agent's prompt" });
    expect(events[0].actorId).toBe(analyst.id);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it("lets an auditor read but not change, and says not found for unknown ids", async () => {
    expect((await list("", auditor)).total).toBeGreaterThan(0);
    expect((await patch(ids["Standing B"], { status: "resolved", note: "x-x-x" }, auditor)).status).toBe(403);
    expect((await patch(crypto.randomUUID(), { status: "resolved", note: "x-x-x" })).status).toBe(404);
    expect((await patch("nope", { status: "resolved", note: "x-x-x" })).status).toBe(404);
    expect((await patch(ids["Standing B"], {})).status).toBe(400);
  });

  it("filters by first sighting, from inclusive and to exclusive; a bad date is a 400", async () => {
    const t = Date.now() - 10 * 86_400_000;
    await h.db.insert(findings).values([
      { kind: "activity_burst", severity: "low", title: "Old burst", dedupeKey: "t:old", firstSeenAt: new Date(t), lastSeenAt: new Date() },
      { kind: "activity_burst", severity: "low", title: "Older burst", dedupeKey: "t:older", firstSeenAt: new Date(t - 86_400_000), lastSeenAt: new Date() },
    ]);
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    const titles = async (q: string) => (await list(q)).items.map((f: { title: string }) => f.title).sort();
    expect(await titles(`?status=all&from=${iso(t)}&to=${iso(t + 1)}`)).toEqual(["Old burst"]);
    expect(await titles(`?status=all&to=${iso(t)}`)).toEqual(["Older burst"]);
    expect(await titles(`?status=all&kind=activity_burst&from=${iso(t - 86_400_000)}&to=${iso(t + 86_400_000)}`)).toEqual(["Old burst", "Older burst"]);
    expect((await list(`?status=all&from=${iso(t + 1)}`)).total).toBe(3);
    expect((await call(H(findingsRoute.GET), { token: analyst.token, path: "/api/v1/findings?from=last-week" })).status).toBe(400);
  });
});
