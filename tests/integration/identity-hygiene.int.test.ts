import { and, eq, inArray, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentRoute from "../../app/api/v1/agents/[id]/route";
import * as findingsRoute from "../../app/api/v1/findings/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import { auditEvents, credentials, findings, sessions } from "../../lib/db/schema";
import type { AgentCreate } from "../../lib/domain/agents/schemas";
import { findingFixes } from "../../lib/domain/findings";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { setAgentStatus } from "../../lib/services/agents/set-status";
import { revokeAllFor } from "../../lib/services/credentials/revoke-all";
import { revokeCredential } from "../../lib/services/credentials/revoke";
import { detectIdentityFindings } from "../../lib/services/findings/identity-hygiene";
import { setPersonDisabled } from "../../lib/services/people/set-disabled";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const call = routeCaller(() => {});
const H = (h: unknown) => h as RouteHandler;
const DAY = 86_400_000;
// Shorter than the defaults so the clock moves a month, not a season.
const o = { dormantDays: 30, keyMaxAgeDays: 60 };
const envelope = { actions: ["github:*"], maxSensitivity: "internal" as const, maxTtlSeconds: 3600 };

describe.each(DB_KINDS)("identity hygiene findings on %s", (kind) => {
  let h: TestDatabase;
  let analyst: string;
  let auditor: string;
  let owner: string;
  let leaver: string;
  const id: Record<string, string> = {};
  let staleKeyId: string;
  const now = () => new Date(h.clock.now());
  const detect = () => detectIdentityFindings(h.db, now(), o);
  const idhyg = () => h.db.select().from(findings).where(like(findings.dedupeKey, "idhyg:%"));
  const open = async () => (await idhyg()).filter((f) => f.status !== "resolved").map((f) => `${f.kind} ${Object.entries(id).find(([, v]) => v === f.agentId)?.[0]}`).sort();
  const list = async (q: string, token = analyst) => call(H(findingsRoute.GET), { token, path: `/api/v1/findings${q}` });
  const agent = async (name: string, over: Partial<AgentCreate> = {}) => {
    const a = await createAgent(h.db, system, { name: `${name}-${kind}`, identityKind: "spiffe", identity: `spiffe://acme.test/${name}-${kind}`, team: "t", purpose: "", riskTier: "low", ownerId: owner, envelope, ...over } as AgentCreate);
    id[name] = a!.id;
    return a!.id;
  };
  // A session the agent opened `daysAgo` before the test clock's now.
  const sessionAt = async (agentId: string, daysAgo: number) => {
    const startedAt = new Date(h.clock.now() - daysAgo * DAY);
    await h.db.insert(sessions).values({ agentId, status: "ended", goal: "work", intent: { goal: "work", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 }, startedAt, expiresAt: new Date(startedAt.getTime() + 600_000), endedAt: startedAt });
  };
  const oldKey = async (agentId: string, name: string) => {
    const [c] = await h.db
      .insert(credentials)
      .values({ kind: "bootstrap_key", name, agentId, jit: false, secretHash: `h-${name}-${kind}-${agentId}`, prefix: "wdn_ak_old", issuedAt: new Date(Date.now() - 40 * DAY), scope: { operations: ["warden:sessions.*"] } })
      .returning();
    return c.id;
  };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    analyst = (await personWithToken(h.db, `analyst-ih-${kind}@example.com`, "analyst")).token;
    auditor = (await personWithToken(h.db, `auditor-ih-${kind}@example.com`, "auditor")).token;
    owner = (await personWithToken(h.db, `owner-ih-${kind}@example.com`, "analyst")).id;
    leaver = (await personWithToken(h.db, `leaver-ih-${kind}@example.com`, "analyst")).id;

    // Everything is registered now; the test clock then moves 31 days on, so "now" in the
    // detector is a month later, while keys issued by Warden carry the real time.
    await agent("orphan", { ownerId: null });
    await agent("leaver-owned", { ownerId: leaver });
    await agent("dormant");
    await issueAgentKey(h.db, system, id.dormant, { name: "dormant key", expiresInDays: null });
    await agent("stale-only", { identityKind: "key", identity: undefined });
    staleKeyId = await oldKey(id["stale-only"], "only key");
    await agent("healthy", { identityKind: "key", identity: undefined });
    await issueAgentKey(h.db, system, id.healthy, { name: "fresh key", expiresInDays: 365 });
    await agent("second-key", { identityKind: "key", identity: undefined });
    await oldKey(id["second-key"], "old key");
    await issueAgentKey(h.db, system, id["second-key"], { name: "new key", expiresInDays: null });
    // Ownerless, dormant and with an old only key, but retired: nothing to find.
    await agent("retired", { identityKind: "key", identity: undefined, ownerId: null });
    await oldKey(id.retired, "retired key");
    await setAgentStatus(h.db, system, id.retired, "retired", "decommissioned");

    h.clock.advance(31 * DAY);
    for (const n of ["orphan", "leaver-owned", "stale-only", "healthy", "second-key"]) await sessionAt(id[n], 2);
  });
  afterAll(async () => h?.close());

  it("finds the orphaned, the dormant and the stale-only-key agent, and nothing else, each once", async () => {
    const first = await detect();
    expect(first).toMatchObject({ raised: 3, resolved: 0, open: 3 });
    expect(await open()).toEqual(["agent_dormant dormant", "agent_key_stale stale-only", "agent_orphaned orphan"]);
    const rows = await idhyg();
    const stale = rows.find((f) => f.kind === "agent_key_stale")!;
    expect(stale).toMatchObject({ credentialId: staleKeyId, severity: "medium", dedupeKey: `idhyg:agent_key_stale:${staleKeyId}` });
    expect(stale.frameworkRefs).toContain("OWASP-NHI7");
    expect(rows.find((f) => f.kind === "agent_orphaned")!.frameworkRefs).toContain("OWASP-NHI1");
    for (const f of rows) {
      const raised = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "finding.raised"), eq(auditEvents.targetId, f.id)));
      expect(raised, f.kind).toHaveLength(1);
    }

    // A later pass changes nothing but when each was last seen.
    h.clock.advance(DAY);
    const later = now();
    expect(await detectIdentityFindings(h.db, later, o)).toMatchObject({ raised: 0, resolved: 0, open: 3 });
    const again = await idhyg();
    expect(again.map((f) => f.id).sort()).toEqual(rows.map((f) => f.id).sort());
    for (const f of again) expect(f.lastSeenAt.getTime()).toBe(later.getTime());
  });

  it("lists each kind through the API with the fix it needs, and checks the filter", async () => {
    const orphaned = await list("?kind=agent_orphaned");
    expect(orphaned.status).toBe(200);
    expect(orphaned.body.items.map((f: { agentId: string }) => f.agentId)).toEqual([id.orphan]);
    expect(findingFixes(orphaned.body.items[0].fix).map((f) => [f.action, f.href])).toEqual([
      ["assign_owner", `/agents/${id.orphan}/edit`],
      ["retire", `/agents/${id.orphan}`],
    ]);
    const dormant = await list("?kind=agent_dormant", auditor);
    expect(dormant.body.items.map((f: { agentId: string }) => f.agentId)).toEqual([id.dormant]);
    expect(findingFixes(dormant.body.items[0].fix).map((f) => f.action)).toEqual(["retire", "revoke_credentials"]);
    const stale = await list("?kind=agent_key_stale");
    expect(findingFixes(stale.body.items[0].fix)[0].api).toEqual([`POST /api/v1/agents/${id["stale-only"]}/keys`, `POST /api/v1/credentials/${staleKeyId}/revoke`]);

    expect((await list("?kind=no_such_kind")).body).toMatchObject({ items: [], total: 0 });
    const bad = await list("?kind=agent-dormant;drop");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    expect((await call(H(findingsRoute.GET), { path: "/api/v1/findings?kind=agent_orphaned" })).status).toBe(401);
    expect((await list("?kind=agent_orphaned", "wdn_pat_" + "x".repeat(43))).status).toBe(401);
  });

  it("resolves each finding when it is fixed, audited, and reopens when the condition is back", async () => {
    // Assign an owner: an auditor may not, an analyst may.
    const patch = (token: string) => call(H(agentRoute.PATCH), { token, method: "PATCH", path: `/api/v1/agents/${id.orphan}`, params: { id: id.orphan }, body: { ownerId: owner } });
    expect((await patch(auditor)).status).toBe(403);
    expect((await patch(analyst)).status).toBe(200);
    // Dormant: its credentials revoked. Stale key: rotated (a second key first, then the old one revoked).
    await revokeAllFor(h.db, system, "agent", id.dormant, "not used for a month");
    const rotated = await issueAgentKey(h.db, system, id["stale-only"], { name: "rotated key", expiresInDays: 90 });
    expect(await detect()).toMatchObject({ raised: 0, resolved: 3, open: 0 });
    await revokeCredential(h.db, system, staleKeyId, "rotated");
    expect(await detect()).toMatchObject({ raised: 0, resolved: 0, open: 0 });

    const rows = await idhyg();
    for (const f of rows) {
      expect(f.status, f.kind).toBe("resolved");
      expect(f.resolutionNote, f.kind).toMatch(/^Resolved by Warden/);
      expect(await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "finding.resolved"), eq(auditEvents.targetId, f.id))), f.kind).toHaveLength(1);
    }

    // The owner leaves: orphaned; back again: resolved; leaves once more: the same finding reopens.
    await setPersonDisabled(h.db, system, leaver, true, "left the company");
    expect(await detect()).toMatchObject({ raised: 1, open: 1 });
    const [leaverFinding] = await h.db.select().from(findings).where(and(eq(findings.kind, "agent_orphaned"), eq(findings.agentId, id["leaver-owned"])));
    expect(leaverFinding.title).toContain("is disabled");
    expect(leaverFinding.severity).toBe("medium");
    await setPersonDisabled(h.db, system, leaver, false, "came back");
    expect(await detect()).toMatchObject({ raised: 0, resolved: 1, open: 0 });
    await setPersonDisabled(h.db, system, leaver, true, "left again");
    expect(await detect()).toMatchObject({ raised: 1, open: 1 });
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, leaverFinding.id)).orderBy(auditEvents.seq);
    expect(events.map((e) => e.action)).toEqual(["finding.raised", "finding.resolved", "finding.reopened"]);
    // Retiring it fixes it for good.
    await setAgentStatus(h.db, system, id["leaver-owned"], "retired", "owner gone");
    expect(await detect()).toMatchObject({ resolved: 1, open: 0 });

    // The agent that rotated works on with its new key; it is not dormant or stale.
    expect((await h.db.select().from(credentials).where(inArray(credentials.id, [rotated.id])))[0].revokedAt).toBeNull();
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });
});
