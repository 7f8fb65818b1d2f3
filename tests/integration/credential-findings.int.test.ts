import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as introspectRoute from "../../app/api/v1/credentials/introspect/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, connectors, credentials, findings } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { revokeCredential } from "../../lib/services/credentials/revoke";
import { detectCredentialFindings } from "../../lib/services/findings/credential-hygiene";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const call = routeCaller(() => {});
const H = (h: unknown) => h as RouteHandler;
const DAY = 86_400_000;

describe.each(DB_KINDS)("standing-privilege findings on %s", (kind) => {
  let h: DatabaseHandle;
  let agentId: string;
  let standingId: string;
  let shadowCredId: string;

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    const a = await createAgent(h.db, system, { name: "hygiene-bot", identityKind: "key", team: "t", purpose: "", riskTier: "low", envelope: { actions: ["*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
    agentId = a!.id;
    const [shadow] = await h.db.insert(connectors).values({ name: "pastebin", displayName: "pastebin", kind: "other", managed: false, sensitivity: "internal", environment: "unknown" }).returning();
    const now = Date.now();
    const [s] = await h.db
      .insert(credentials)
      .values({ kind: "api_key", name: "old deploy token", agentId, jit: false, issuedAt: new Date(now - 200 * DAY), expiresAt: null, lastUsedAt: new Date(now - DAY) })
      .returning();
    standingId = s.id;
    const [u] = await h.db
      .insert(credentials)
      .values({ kind: "api_key", name: "paste token", agentId, connectorId: shadow.id, jit: false, issuedAt: new Date(now - 5 * DAY), expiresAt: new Date(now + 10 * DAY), lastUsedAt: new Date(now - DAY) })
      .returning();
    shadowCredId = u.id;
  });
  afterAll(async () => h?.close());

  it("raises each finding once with its framework items, and resolves it when the credential is revoked", async () => {
    const first = await detectCredentialFindings(h.db);
    expect(first.raised).toBeGreaterThanOrEqual(2);
    const open = await h.db.select().from(findings).where(like(findings.dedupeKey, "credhyg:%"));
    const standing = open.find((f) => f.credentialId === standingId && f.kind === "standing_secret")!;
    expect(standing).toMatchObject({ status: "open", severity: "high", agentId });
    expect(standing.frameworkRefs).toContain("OWASP-NHI7");
    expect(open.find((f) => f.credentialId === shadowCredId)?.kind).toBe("unmanaged_connector_credential");
    const raisedEvents = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "finding.raised"), eq(auditEvents.targetId, standing.id)));
    expect(raisedEvents).toHaveLength(1);

    // A second pass changes nothing.
    expect((await detectCredentialFindings(h.db)).raised).toBe(0);
    expect(await h.db.select().from(findings).where(like(findings.dedupeKey, "credhyg:%"))).toHaveLength(open.length);

    await revokeCredential(h.db, system, standingId, "rotated");
    const after = await detectCredentialFindings(h.db);
    expect(after.resolved).toBeGreaterThanOrEqual(1);
    const [resolved] = await h.db.select().from(findings).where(eq(findings.id, standing.id));
    expect(resolved.status).toBe("resolved");
    expect(resolved.resolutionNote).toMatch(/no longer holds/);
    expect(await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "finding.resolved"), eq(auditEvents.targetId, standing.id)))).toHaveLength(1);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it("records a credential Warden never issued, without storing it, one finding per source and day", async () => {
    const analyst = (await personWithToken(h.db, `analyst-hyg-${kind}@example.com`, "analyst")).token;
    const forged = ["wdn_jit_" + "Q".repeat(43), "wdn_jit_" + "R".repeat(43)];
    for (const t of forged) {
      const r = await call(H(introspectRoute.POST), { token: analyst, path: "/api/v1/credentials/introspect", body: { token: t } });
      expect(r.body).toEqual({ active: false });
    }
    const forgedKey = "wdn_ak_" + "S".repeat(43);
    expect((await call(H(sessionsRoute.POST), { token: forgedKey, path: "/api/v1/sessions", body: { intent: {} } })).status).toBe(401);
    const rows = await h.db.select().from(findings).where(eq(findings.kind, "foreign_credential"));
    const jit = rows.find((f) => (f.detail as { credentialKind: string }).credentialKind === "just-in-time credential")!;
    expect(jit.occurrences).toBe(2);
    expect((jit.detail as { fingerprints: string[] }).fingerprints).toHaveLength(2);
    expect(rows.some((f) => (f.detail as { credentialKind: string }).credentialKind === "agent key")).toBe(true);
    const text = JSON.stringify(rows);
    for (const t of [...forged, forgedKey]) expect(text).not.toContain(t);

    // A revoked key is not "never issued".
    const k = await issueAgentKey(h.db, system, agentId, { name: "k2", expiresInDays: 1 });
    await revokeCredential(h.db, system, k.id, "rotated");
    const before = (await h.db.select().from(findings).where(eq(findings.kind, "foreign_credential"))).map((f) => f.occurrences).reduce((a, b) => a + b, 0);
    expect((await call(H(sessionsRoute.POST), { token: k.secret, path: "/api/v1/sessions", body: { intent: {} } })).status).toBe(401);
    const after = (await h.db.select().from(findings).where(eq(findings.kind, "foreign_credential"))).map((f) => f.occurrences).reduce((a, b) => a + b, 0);
    expect(after).toBe(before);
  });
});
