import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { parseWith } from "../../lib/api/body";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { getConnectorDetail, listConnectors } from "../../lib/db/queries/connectors";
import { getCredentialDetail, listCredentials } from "../../lib/db/queries/credentials";
import { agents, auditEvents, connectors, connectorTools, credentials, decisions } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema, connectorListSchema, connectorUpdateSchema, toolCreateSchema } from "@/lib/domain/connectors/schemas";
import { addTool, removeTool, updateTool } from "../../lib/services/connectors/tools";
import { updateConnector } from "../../lib/services/connectors/update";
import { bulkRevokeCredentials } from "../../lib/services/credentials/bulk-revoke";
import { recordStandingCredential } from "../../lib/services/credentials/record";
import { bulkRevokeSchema, credentialListSchema, credentialRecordSchema } from "@/lib/domain/credentials/schemas";
import type { Caller } from "../../lib/services/context";
import * as connectorsRoute from "../../app/api/v1/connectors/route";
import * as connectorRoute from "../../app/api/v1/connectors/[id]/route";
import * as toolsRoute from "../../app/api/v1/connectors/[id]/tools/route";
import * as toolRoute from "../../app/api/v1/connectors/[id]/tools/[toolId]/route";
import * as credentialsRoute from "../../app/api/v1/credentials/route";
import * as credentialRoute from "../../app/api/v1/credentials/[id]/route";
import * as revokeBulkRoute from "../../app/api/v1/credentials/bulk-revoke/route";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type Role } from "./route-helpers";

const caller = { actor: { kind: "person" as const, id: "00000000-0000-4000-8000-000000000002", label: "analyst@warden.local" } };
const UNKNOWN = "00000000-0000-4000-8000-00000000dead";

const connectorInput = (name: string, extra: object = {}) =>
  connectorCreateSchema.parse({
    name,
    displayName: name.toUpperCase(),
    kind: "saas_api",
    sensitivity: "internal",
    config: { adminUrl: "postgres://admin:hunter2@db.internal/billing" },
    ...extra,
  });

const recordInput = (agentId: string, extra: object = {}) =>
  credentialRecordSchema.parse({ kind: "api_key", name: "github pat", agentId, scope: { operations: ["github:issues.*"] }, ...extra });

describe.each(DB_KINDS)("connectors and credentials on %s", (kind) => {
  let h: DatabaseHandle;
  let agentId: string;
  let otherAgentId: string;
  beforeAll(async () => {
    h = await openTestDatabase(kind);
    const envelope = { actions: ["github:*"], maxSensitivity: "internal" as const, maxTtlSeconds: 3600 };
    const mk = (name: string) =>
      createAgent(h.db, caller, { name, identityKind: "key", team: "platform", purpose: "", riskTier: "low", envelope });
    agentId = (await mk("triage-bot"))!.id;
    otherAgentId = (await mk("billing-bot"))!.id;
  });
  afterAll(async () => h?.close());

  const auditCount = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n;
  const auditFor = (targetId: string) => h.db.select().from(auditEvents).where(eq(auditEvents.targetId, targetId)).orderBy(auditEvents.seq);

  it("registers a connector with its tools and one audit event; config is never returned", async () => {
    const before = await auditCount();
    const c = await createConnector(
      h.db,
      caller,
      connectorInput("github", { tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }),
    );
    expect(c.managed).toBe(true);
    expect(c).not.toHaveProperty("config");
    expect(await auditCount()).toBe(before + 1);
    const [ev] = await auditFor(c.id);
    expect(ev.action).toBe("connector.created");
    expect(JSON.stringify(ev.detail)).not.toContain("hunter2");
    expect((ev.detail as { configKeys: string[] }).configKeys).toEqual(["adminUrl"]);
    const [row] = await h.db.select().from(connectors).where(eq(connectors.id, c.id));
    expect(row.config).toEqual({ adminUrl: "postgres://admin:hunter2@db.internal/billing" });
  });

  it("refuses a duplicate name with a 409 naming the field, and writes nothing", async () => {
    const before = await auditCount();
    const err = await createConnector(h.db, caller, connectorInput("github", { displayName: "Other" })).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe("conflict");
    expect(err.fields[0].path).toBe("name");
    expect(await auditCount()).toBe(before);
    expect(await h.db.select().from(connectors)).toHaveLength(1);
  });

  it("validates names as action-pattern slugs", () => {
    expect(connectorCreateSchema.safeParse({ ...connectorInput("x1"), name: "Git Hub" }).success).toBe(false);
    expect(connectorCreateSchema.safeParse({ ...connectorInput("x1"), name: "git.hub" }).success).toBe(false);
    expect(toolCreateSchema.safeParse({ name: "repo", operations: [] }).success).toBe(false);
    const dupOps = toolCreateSchema.safeParse({ name: "repo", operations: [{ name: "read", access: "read" }, { name: "read", access: "write" }] });
    expect(dupOps.success).toBe(false);
    expect(connectorUpdateSchema.safeParse({ managed: false }).success).toBe(false);
  });

  it("adds, updates and removes tools, each with its audit event in the same transaction", async () => {
    const [c] = await h.db.select().from(connectors).where(eq(connectors.name, "github"));
    const before = await auditCount();
    const tool = await addTool(h.db, caller, c.id, toolCreateSchema.parse({ name: "repo", operations: [{ name: "push", access: "write" }] }));
    expect(tool!.name).toBe("repo");
    const dup = await addTool(h.db, caller, c.id, toolCreateSchema.parse({ name: "repo", operations: [{ name: "read", access: "read" }] })).catch((e) => e);
    expect(dup.code).toBe("conflict");
    expect(dup.fields[0].path).toBe("name");

    const updated = await updateTool(h.db, caller, c.id, tool!.id, {
      operations: [
        { name: "push", access: "write" },
        { name: "admin", access: "admin" },
      ],
      sensitivity: "confidential",
    });
    expect(updated.operations).toHaveLength(2);
    // No change, no event.
    await updateTool(h.db, caller, c.id, tool!.id, { sensitivity: "confidential" });

    const wrongConnector = await updateTool(h.db, caller, UNKNOWN, tool!.id, { description: "x" }).catch((e) => e);
    expect(wrongConnector.code).toBe("not_found");
    const wrongTool = await removeTool(h.db, caller, c.id, UNKNOWN, "cleanup").catch((e) => e);
    expect(wrongTool.code).toBe("not_found");

    await removeTool(h.db, caller, c.id, tool!.id, "never used");
    expect(await h.db.select().from(connectorTools).where(eq(connectorTools.id, tool!.id))).toHaveLength(0);

    const events = (await auditFor(c.id)).map((e) => e.action);
    expect(events).toEqual(["connector.created", "connector.tool_added", "connector.tool_updated", "connector.tool_removed"]);
    expect(await auditCount()).toBe(before + 3);
    const [removed] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "connector.tool_removed"));
    expect(removed.detail).toMatchObject({ tool: "repo", reason: "never used" });
  });

  it("adopts a shadow connector via update, audited as connector.adopted", async () => {
    const [shadow] = await h.db
      .insert(connectors)
      .values({ name: "pastebin-mcp", displayName: "pastebin-mcp", kind: "mcp_server", managed: false, sensitivity: "public", environment: "unknown" })
      .returning();
    const reg = await createConnector(h.db, caller, connectorInput("pastebin-mcp")).catch((e) => e);
    expect(reg.code).toBe("conflict");
    expect(reg.message).toMatch(/adopt/);

    const adopted = await updateConnector(h.db, caller, shadow.id, connectorUpdateSchema.parse({ managed: true, ownerTeam: "secops", environment: "production" }));
    expect(adopted.managed).toBe(true);
    expect(adopted).not.toHaveProperty("config");
    const [ev] = await auditFor(shadow.id);
    expect(ev.action).toBe("connector.adopted");
    expect(Object.keys((ev.detail as { changes: object }).changes).sort()).toEqual(["environment", "managed", "ownerTeam"]);

    await updateConnector(h.db, caller, shadow.id, { description: "paste service", config: { token: "s3cret" } });
    const evs = await auditFor(shadow.id);
    expect(evs.map((e) => e.action)).toEqual(["connector.adopted", "connector.updated"]);
    expect(JSON.stringify(evs[1].detail)).not.toContain("s3cret");
    const missing = await updateConnector(h.db, caller, UNKNOWN, { description: "x" }).catch((e) => e);
    expect(missing.code).toBe("not_found");
    const badOwner = await updateConnector(h.db, caller, shadow.id, { ownerId: UNKNOWN }).catch((e) => e);
    expect(badOwner.fields[0].path).toBe("ownerId");
  });

  it("records a standing credential with no secret; bad patterns and unknown agents are field errors", async () => {
    const [c] = await h.db.select().from(connectors).where(eq(connectors.name, "github"));
    const bad = credentialRecordSchema.safeParse({ kind: "api_key", name: "x", agentId, scope: { operations: ["not a pattern"] } });
    expect(bad.success).toBe(false);
    const err = (() => {
      try {
        parseWith(credentialRecordSchema, { kind: "api_key", name: "x", agentId, scope: { operations: ["github issues"] } });
      } catch (e) {
        return e as DomainError;
      }
    })();
    expect(err?.code).toBe("validation_failed");
    expect(err?.fields?.[0].path).toBe("scope.operations.0");
    expect(credentialRecordSchema.safeParse({ kind: "bootstrap_key", name: "x", agentId }).success).toBe(false);
    expect(
      credentialRecordSchema.safeParse({ kind: "api_key", name: "x", agentId, issuedAt: "2026-01-02T00:00:00Z", expiresAt: "2026-01-01T00:00:00Z" }).success,
    ).toBe(false);

    const before = await auditCount();
    const noAgent = await recordStandingCredential(h.db, caller, recordInput(UNKNOWN)).catch((e) => e);
    expect(noAgent.code).toBe("validation_failed");
    expect(noAgent.fields[0].path).toBe("agentId");
    const noConnector = await recordStandingCredential(h.db, caller, recordInput(agentId, { connectorId: UNKNOWN })).catch((e) => e);
    expect(noConnector.fields[0].path).toBe("connectorId");
    expect(await auditCount()).toBe(before);

    const cred = await recordStandingCredential(h.db, caller, recordInput(agentId, { connectorId: c.id, prefix: "ghp_abcd", expiresAt: new Date(Date.now() + 86_400_000) }));
    expect(cred.jit).toBe(false);
    expect(cred).not.toHaveProperty("secretHash");
    expect(cred.scope).toEqual({ operations: ["github:issues.*"], resources: [] });
    const [row] = await h.db.select().from(credentials).where(eq(credentials.id, cred.id));
    expect(row.secretHash).toBeNull();
    const [ev] = await auditFor(cred.id);
    expect(ev.action).toBe("credential.recorded");
    expect(await auditCount()).toBe(before + 1);

    const detail = await getConnectorDetail(h.db, c.id);
    expect(detail!.credentials.map((x) => x.id)).toContain(cred.id);
    expect(detail!.tools.map((t) => t.name)).toEqual(["issues"]);
  });

  it("lists connectors with filters, search, sort and pagination", async () => {
    for (let i = 0; i < 7; i++) {
      await createConnector(
        h.db,
        caller,
        connectorInput(`svc-${i}`, { kind: i % 2 ? "database" : "saas_api", sensitivity: i < 3 ? "restricted" : "public", environment: i % 3 ? "staging" : "production" }),
      );
    }
    const q = (o: object) => connectorListSchema.parse(o);
    const db4 = await listConnectors(h.db, q({ kind: "database" }));
    expect(db4.total).toBe(3);
    expect(db4.items.every((c) => c.kind === "database")).toBe(true);
    expect((await listConnectors(h.db, q({ managed: "false" }))).total).toBe(0);
    const all = await listConnectors(h.db, q({}));
    expect(all.total).toBe(9);
    expect(all.items.map((c) => c.name)).toEqual([...all.items.map((c) => c.name)].sort());
    expect(all.items.find((c) => c.name === "github")!.toolCount).toBe(1);
    expect(all.items[0]).not.toHaveProperty("config");
    const staging = await listConnectors(h.db, q({ environment: "staging", pageSize: "3" }));
    expect(staging.total).toBe(4);
    expect(staging.items).toHaveLength(3);
    const p2 = await listConnectors(h.db, q({ environment: "staging", pageSize: "3", page: "2" }));
    expect(p2.items).toHaveLength(1);
    expect(new Set([...staging.items, ...p2.items].map((c) => c.id)).size).toBe(4);
    const restricted = await listConnectors(h.db, q({ sensitivity: "restricted" }));
    expect(restricted.total).toBe(3);
    const bySens = await listConnectors(h.db, q({ q: "svc", sort: "sensitivity", dir: "desc", pageSize: "1" }));
    expect(bySens.items[0].sensitivity).toBe("restricted");
    expect((await listConnectors(h.db, q({ q: "PASTEBIN" }))).items.map((c) => c.name)).toEqual(["pastebin-mcp"]);
    expect((await listConnectors(h.db, q({ q: "%" }))).total).toBe(0);
    await h.db.update(connectors).set({ lastSeenAt: new Date() }).where(eq(connectors.name, "svc-4"));
    const seen = await listConnectors(h.db, q({ sort: "lastSeenAt", dir: "desc", pageSize: "1" }));
    expect(seen.items[0].name).toBe("svc-4"); // never-seen connectors sort last
  });

  it("shows the agents that used a connector, from decisions", async () => {
    const [c] = await h.db.select().from(connectors).where(eq(connectors.name, "github"));
    const d = (agent: string, outcome: "allow" | "deny") => ({ agentId: agent, connectorId: c.id, connector: "github", tool: "issues", operation: "read", outcome });
    await h.db.insert(decisions).values([d(agentId, "allow"), d(agentId, "deny"), d(agentId, "allow"), d(otherAgentId, "allow")]);
    const detail = await getConnectorDetail(h.db, c.id);
    expect(detail!.agentsUsed).toHaveLength(2);
    expect(detail!.agentsUsed[0]).toMatchObject({ agentId, agentName: "triage-bot", calls: 3, denied: 1 });
    expect(detail!.agentsUsed[0].lastUsedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(detail)).not.toContain("hunter2");
  });

  it("lists credentials with status, kind, jit, agent and connector filters, search and sort", async () => {
    const [c] = await h.db.select().from(connectors).where(eq(connectors.name, "github"));
    await issueAgentKey(h.db, caller, agentId, { name: "ci key", expiresInDays: 30 });
    await issueAgentKey(h.db, caller, otherAgentId, { name: "billing key", expiresInDays: null });
    // an expired standing secret and a JIT one
    await h.db.insert(credentials).values([
      { kind: "cloud_key", name: "old aws key", agentId: otherAgentId, issuedAt: new Date(Date.now() - 10 * 86_400_000), expiresAt: new Date(Date.now() - 86_400_000) },
      { kind: "database_role", name: "jit role", agentId, connectorId: c.id, jit: true, expiresAt: new Date(Date.now() + 600_000), prefix: "wdn_jit_ab" },
    ]);
    const q = (o: object) => credentialListSchema.parse(o);
    const all = await listCredentials(h.db, q({}));
    expect(all.total).toBe(5);
    // default: newest first
    const times = all.items.map((i) => i.issuedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(JSON.stringify(all)).not.toMatch(/secretHash|secret_hash/);
    const expired = await listCredentials(h.db, q({ status: "expired" }));
    expect(expired.items.map((i) => i.name)).toEqual(["old aws key"]);
    expect(expired.items[0].status).toBe("expired");
    expect((await listCredentials(h.db, q({ status: "active" }))).total).toBe(4);
    expect((await listCredentials(h.db, q({ jit: "true" }))).items.map((i) => i.name)).toEqual(["jit role"]);
    expect((await listCredentials(h.db, q({ jit: "false" }))).total).toBe(4);
    expect((await listCredentials(h.db, q({ kind: "bootstrap_key" }))).total).toBe(2);
    const forAgent = await listCredentials(h.db, q({ agentId: otherAgentId }));
    expect(forAgent.total).toBe(2);
    expect(forAgent.items.every((i) => i.agentName === "billing-bot")).toBe(true);
    const forConnector = await listCredentials(h.db, q({ connectorId: c.id }));
    expect(forConnector.total).toBe(2);
    expect(forConnector.items.every((i) => i.connectorName === "github")).toBe(true);
    // search: name, prefix, agent name
    expect((await listCredentials(h.db, q({ q: "billing" }))).total).toBe(2);
    expect((await listCredentials(h.db, q({ q: "wdn_jit" }))).items.map((i) => i.name)).toEqual(["jit role"]);
    expect((await listCredentials(h.db, q({ q: "aws" }))).total).toBe(1);
    const byName = await listCredentials(h.db, q({ sort: "name", dir: "asc", pageSize: "2" }));
    expect(byName.items.map((i) => i.name)).toEqual(["billing key", "ci key"]);
    expect(byName.total).toBe(5);
    const p3 = await listCredentials(h.db, q({ sort: "name", dir: "asc", pageSize: "2", page: "3" }));
    expect(p3.items.map((i) => i.name)).toEqual(["old aws key"]);
    const byExpiry = await listCredentials(h.db, q({ sort: "expiresAt", dir: "desc" }));
    expect(byExpiry.items.at(-1)!.expiresAt).toBeNull(); // never-expiring last
    // Issued in [from, to) by default; revoked in [from, to) with timeField=revokedAt.
    const iso = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    expect((await listCredentials(h.db, q({ to: iso(1) }))).items.map((i) => i.name)).toEqual(["old aws key"]);
    expect((await listCredentials(h.db, q({ from: iso(11), to: iso(9) }))).items.map((i) => i.name)).toEqual(["old aws key"]);
    expect((await listCredentials(h.db, q({ from: iso(1) }))).total).toBe(4);
    expect((await listCredentials(h.db, q({ timeField: "revokedAt", from: iso(30) }))).total).toBe(0);
    expect(credentialListSchema.safeParse({ from: "2026-02-30" }).success).toBe(false);
    expect(credentialListSchema.safeParse({ timeField: "expiresAt" }).success).toBe(false);
  });

  it("bulk-revokes with one audit event per credential, skipping revoked ones; unknown ids write nothing", async () => {
    const live = await h.db.select().from(credentials).where(sql`${credentials.revokedAt} is null`).orderBy(credentials.name);
    expect(live.length).toBeGreaterThanOrEqual(4);
    const [first, second, third] = live;

    const before = await auditCount();
    const unknown = await bulkRevokeCredentials(h.db, caller, [first.id, UNKNOWN], "leaked in CI logs").catch((e) => e);
    expect(unknown).toBeInstanceOf(DomainError);
    expect(unknown.code).toBe("not_found");
    const junk = await bulkRevokeCredentials(h.db, caller, [first.id, "not-a-uuid"], "leaked in CI logs").catch((e) => e);
    expect(junk.code).toBe("not_found");
    expect(await auditCount()).toBe(before);
    const [still] = await h.db.select().from(credentials).where(eq(credentials.id, first.id));
    expect(still.revokedAt).toBeNull();

    const one = await bulkRevokeCredentials(h.db, caller, [first.id], "rotated");
    expect(one).toEqual({ revoked: [first.id], skipped: [] });
    const res = await bulkRevokeCredentials(h.db, caller, [second.id, first.id, third.id, second.id.toUpperCase()], "leaked in CI logs");
    expect(res.revoked).toEqual([second.id, third.id]);
    expect(res.skipped).toEqual([{ id: first.id, reason: "already_revoked" }]);
    expect(await auditCount()).toBe(before + 3);
    const events = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "credential.revoked"), sql`${auditEvents.detail}->>'reason' = 'leaked in CI logs'`));
    expect(events.map((e) => e.targetId).sort()).toEqual([second.id, third.id].sort());
    const [firstNow] = await h.db.select().from(credentials).where(eq(credentials.id, first.id));
    expect(firstNow.revokeReason).toBe("rotated"); // the original record is kept

    const detail = await getCredentialDetail(h.db, second.id);
    expect(detail!.credential.status).toBe("revoked");
    expect(detail!.revokedBy).toMatchObject({ kind: "person", id: caller.actor.id });
    expect(detail!.credential.revokeReason).toBe("leaked in CI logs");
    expect(detail).not.toHaveProperty("credential.secretHash");
    expect(JSON.stringify(detail)).not.toMatch(/secretHash/);
    expect((await listCredentials(h.db, credentialListSchema.parse({ status: "revoked" }))).total).toBe(3);
    const revokedNow = (from: Date) => listCredentials(h.db, credentialListSchema.parse({ timeField: "revokedAt", from: from.toISOString(), to: new Date(Date.now() + 1000).toISOString() }));
    expect((await revokedNow(new Date(Date.now() - 60_000))).total).toBe(3);
    expect((await revokedNow(new Date(Date.now() + 500))).total).toBe(0);

    const tooMany = Array.from({ length: 501 }, () => UNKNOWN);
    expect(bulkRevokeSchema.safeParse({ ids: tooMany, reason: "too many" }).success).toBe(false);
    expect(bulkRevokeSchema.safeParse({ ids: [], reason: "none" }).success).toBe(false);
  });

  it("keeps an intact hash chain and no read leaks secret hashes", async () => {
    const hashes = (await h.db.select({ h: credentials.secretHash }).from(credentials)).map((r) => r.h).filter(Boolean) as string[];
    expect(hashes.length).toBeGreaterThan(0);
    const [c] = await h.db.select().from(connectors).where(eq(connectors.name, "github"));
    const reads = JSON.stringify([
      await listCredentials(h.db, credentialListSchema.parse({ pageSize: "200" })),
      await getConnectorDetail(h.db, c.id),
      ...(await Promise.all((await h.db.select({ id: credentials.id }).from(credentials)).map((r) => getCredentialDetail(h.db, r.id)))),
    ]);
    for (const hash of hashes) expect(reads).not.toContain(hash);
    expect(reads).not.toContain("hunter2");
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });
    expect(await h.db.select().from(agents)).toHaveLength(2);
  });
});

// The handlers themselves, called with real bearer tokens: roles, 404s, status codes, no secrets.
describe("connectors and credentials API (pglite)", () => {
  let h: DatabaseHandle;
  const tokens: Record<Role, string> = { admin: "", analyst: "", approver: "", auditor: "" };
  let agentId: string;
  const system: Caller = { actor: { kind: "system", label: "test" } };

  beforeAll(async () => {
    h = await openTestDatabase("pglite");
    for (const role of Object.keys(tokens) as Role[]) tokens[role] = (await personWithToken(h.db, `${role}@api.test`, role)).token;
    const envelope = { actions: ["github:*"], maxSensitivity: "internal" as const, maxTtlSeconds: 3600 };
    agentId = (await createAgent(h.db, system, { name: "api-bot", identityKind: "key", team: "platform", purpose: "", riskTier: "low", envelope }))!.id;
  });
  afterAll(async () => h?.close());

  const call = routeCaller((text) => expect(text).not.toMatch(/secretHash|secret_hash|"config"|hunter2/));

  it("needs credentials, and the right role for each verb", async () => {
    expect((await call(connectorsRoute.GET)).status).toBe(401);
    expect((await call(credentialsRoute.GET)).status).toBe(401);
    const body = { name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal" };
    for (const role of ["auditor", "approver"] as const) {
      expect((await call(connectorsRoute.GET, { token: tokens[role] })).status).toBe(200);
      expect((await call(connectorsRoute.POST, { token: tokens[role], body })).status).toBe(403);
      expect((await call(credentialsRoute.POST, { token: tokens[role], body: { kind: "api_key", name: "x", agentId } })).status).toBe(403);
    }
    expect((await call(revokeBulkRoute.POST, { token: tokens.auditor, body: { ids: [UNKNOWN], reason: "test" } })).status).toBe(403);
  });

  it("creates (201), edits, adopts and manages tools; unknown or malformed ids are 404", async () => {
    const created = await call(connectorsRoute.POST, {
      token: tokens.analyst,
      body: { name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", config: { adminUrl: "hunter2" }, extra: "ignored" },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const dup = await call(connectorsRoute.POST, { token: tokens.admin, body: { name: "github", displayName: "Again", kind: "saas_api", sensitivity: "internal" } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields[0].path).toBe("name");
    const badName = await call(connectorsRoute.POST, { token: tokens.admin, body: { name: "Git Hub", displayName: "x", kind: "saas_api", sensitivity: "internal" } });
    expect(badName.status).toBe(400);
    expect(badName.body.error.fields[0].path).toBe("name");

    const tool = await call(toolsRoute.POST, { token: tokens.analyst, params: { id }, body: { name: "issues", operations: [{ name: "read", access: "read" }] } });
    expect(tool.status).toBe(201);
    const badOp = await call(toolsRoute.POST, { token: tokens.analyst, params: { id }, body: { name: "pulls", operations: [{ name: "Merge!", access: "root" }] } });
    expect(badOp.status).toBe(400);
    expect(badOp.body.error.fields.map((f: { path: string }) => f.path)).toEqual(["operations.0.name", "operations.0.access"]);
    const patched = await call(toolRoute.PATCH, {
      token: tokens.analyst,
      method: "PATCH",
      params: { id, toolId: tool.body.id },
      body: { operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] },
    });
    expect(patched.body.operations).toHaveLength(2);
    const noReason = await call(toolRoute.DELETE, { token: tokens.analyst, method: "DELETE", params: { id, toolId: tool.body.id }, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields[0].path).toBe("reason");
    expect((await call(toolRoute.DELETE, { token: tokens.auditor, method: "DELETE", params: { id, toolId: tool.body.id }, body: { reason: "cleanup" } })).status).toBe(403);
    const removed = await call(toolRoute.DELETE, { token: tokens.analyst, method: "DELETE", params: { id, toolId: tool.body.id }, body: { reason: "cleanup" } });
    expect(removed.status).toBe(200);

    const detail = await call(connectorRoute.GET, { token: tokens.auditor, params: { id } });
    expect(detail.status).toBe(200);
    expect(detail.body.connector.name).toBe("github");
    expect(detail.body.tools).toHaveLength(0);

    const [shadow] = await h.db
      .insert(connectors)
      .values({ name: "pastebin-mcp", displayName: "pastebin-mcp", kind: "mcp_server", managed: false, sensitivity: "public" })
      .returning({ id: connectors.id });
    const adopt = await call(connectorRoute.PATCH, { token: tokens.admin, method: "PATCH", params: { id: shadow.id }, body: { managed: true, ownerTeam: "secops" } });
    expect(adopt.body.managed).toBe(true);
    const unadopt = await call(connectorRoute.PATCH, { token: tokens.admin, method: "PATCH", params: { id: shadow.id }, body: { managed: false } });
    expect(unadopt.status).toBe(400);
    const list = await call(connectorsRoute.GET, { token: tokens.auditor, path: "/api/v1/connectors?managed=true&sort=name&dir=desc" });
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(["pastebin-mcp", "github"]);
    expect((await call(connectorsRoute.GET, { token: tokens.auditor, path: "/api/v1/connectors?sort=secret" })).status).toBe(400);

    for (const bad of ["nope", UNKNOWN]) {
      expect((await call(connectorRoute.GET, { token: tokens.admin, params: { id: bad } })).status).toBe(404);
      expect((await call(connectorRoute.PATCH, { token: tokens.admin, method: "PATCH", params: { id: bad }, body: { description: "x" } })).status).toBe(404);
      expect((await call(toolsRoute.POST, { token: tokens.admin, params: { id: bad }, body: { name: "t", operations: [{ name: "r", access: "read" }] } })).status).toBe(404);
      expect((await call(toolRoute.PATCH, { token: tokens.admin, method: "PATCH", params: { id, toolId: bad }, body: { description: "x" } })).status).toBe(404);
      expect((await call(credentialRoute.GET, { token: tokens.admin, params: { id: bad } })).status).toBe(404);
    }
  });

  it("records standing secrets (201), lists and bulk-revokes them", async () => {
    const badPattern = await call(credentialsRoute.POST, { token: tokens.analyst, body: { kind: "api_key", name: "pat", agentId, scope: { operations: ["github"] } } });
    expect(badPattern.status).toBe(400);
    expect(badPattern.body.error.fields[0].path).toBe("scope.operations.0");
    const ids: string[] = [];
    for (const name of ["pat one", "pat two"]) {
      const r = await call(credentialsRoute.POST, { token: tokens.analyst, body: { kind: "api_key", name, agentId, scope: { operations: ["github:repo.*"] }, secretHash: "x" } });
      expect(r.status).toBe(201);
      expect(r.body.jit).toBe(false);
      ids.push(r.body.id);
    }
    const list = await call(credentialsRoute.GET, { token: tokens.auditor, path: "/api/v1/credentials?q=pat&jit=false&status=active" });
    expect(list.body.total).toBe(2);
    expect(list.body.items[0].agentName).toBe("api-bot");

    const unknown = await call(revokeBulkRoute.POST, { token: tokens.approver, body: { ids: [...ids, UNKNOWN], reason: "leaked" } });
    expect(unknown.status).toBe(404);
    const r = await call(revokeBulkRoute.POST, { token: tokens.approver, body: { ids, reason: "leaked" } });
    expect(r.status).toBe(200);
    expect(r.body.revoked.sort()).toEqual([...ids].sort());
    const again = await call(revokeBulkRoute.POST, { token: tokens.approver, body: { ids: [ids[0]], reason: "leaked" } });
    expect(again.body).toEqual({ revoked: [], skipped: [{ id: ids[0], reason: "already_revoked" }] });
    const detail = await call(credentialRoute.GET, { token: tokens.auditor, params: { id: ids[0] } });
    expect(detail.body.credential.status).toBe("revoked");
    expect(detail.body.revokedBy).toMatchObject({ kind: "person", label: "approver" });
  });
});
