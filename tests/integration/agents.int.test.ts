import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { verifyAuditChain } from "../../lib/audit/verify";
import { hashSecret } from "../../lib/auth/secrets";
import type { DatabaseHandle } from "../../lib/db/client";
import { getAgentDetail, listAgents } from "../../lib/db/queries/agents";
import { agents, auditEvents, credentials, users } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { agentListSchema } from "@/lib/domain/agents/schemas";
import { setAgentStatus } from "../../lib/services/agents/set-status";
import { updateAgent } from "../../lib/services/agents/update";
import { systemCaller } from "../../lib/services/context";
import { revokeCredential } from "../../lib/services/credentials/revoke";
import { DB_KINDS, openTestDatabase } from "./db";

const caller = { actor: { kind: "person" as const, id: "00000000-0000-4000-8000-000000000001", label: "tester@warden.local" } };
const envelope = { actions: ["github:issues.*"], maxSensitivity: "internal" as const, maxTtlSeconds: 3600 };
const base = (name: string, extra: object = {}) => ({
  name,
  identityKind: "spiffe" as const,
  identity: `spiffe://acme.internal/ns/test/sa/${name}`,
  team: "platform",
  purpose: "test agent",
  riskTier: "low" as const,
  envelope,
  ...extra,
});

describe.each(DB_KINDS)("agents on %s", (kind) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(kind);
  });
  afterAll(async () => h?.close());

  const auditCount = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n;

  it("registers an agent with an audit event in the same transaction", async () => {
    const before = await auditCount();
    const a = await createAgent(h.db, caller, base("triage-bot"));
    expect(a!.status).toBe("active");
    const [ev] = await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, a!.id));
    expect(ev.action).toBe("agent.created");
    expect(ev.actorLabel).toBe("tester@warden.local");
    expect(await auditCount()).toBe(before + 1);
  });

  it("refuses a duplicate name or identity with a 409 naming the field and writes nothing", async () => {
    const before = await auditCount();
    const dupName = await createAgent(h.db, caller, base("triage-bot", { identity: "spiffe://acme.internal/other" })).catch((e) => e);
    expect(dupName).toBeInstanceOf(DomainError);
    expect(dupName.code).toBe("conflict");
    expect(dupName.fields[0].path).toBe("name");
    const dupId = await createAgent(h.db, caller, base("other-bot", { identity: "spiffe://acme.internal/ns/test/sa/triage-bot" })).catch((e) => e);
    expect(dupId.fields[0].path).toBe("identity");
    expect(await auditCount()).toBe(before);
    expect((await h.db.select().from(agents)).length).toBe(1);
  });

  it("rejects an unknown owner", async () => {
    const err = await createAgent(h.db, caller, base("owned-bot", { ownerId: "00000000-0000-4000-8000-00000000ffff" })).catch((e) => e);
    expect(err.code).toBe("validation_failed");
    expect(err.fields[0].path).toBe("ownerId");
  });

  it("records exactly the changed fields on update", async () => {
    const [a] = await h.db.select().from(agents).where(eq(agents.name, "triage-bot"));
    await updateAgent(h.db, caller, a.id, { riskTier: "high", team: "platform" });
    const [ev] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, a.id), eq(auditEvents.action, "agent.updated")));
    expect(Object.keys((ev.detail as { changes: object }).changes)).toEqual(["riskTier"]);
  });

  it("issues a bootstrap key shown once and stored only as a hash", async () => {
    const [a] = await h.db.select().from(agents).where(eq(agents.name, "triage-bot"));
    const key = await issueAgentKey(h.db, caller, a.id, { name: "ci key", expiresInDays: 30 });
    expect(key.secret).toMatch(/^wdn_ak_/);
    const [row] = await h.db.select().from(credentials).where(eq(credentials.id, key.id));
    expect(row.secretHash).toBe(hashSecret(key.secret));
    expect(JSON.stringify(row)).not.toContain(key.secret);
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, key.id));
    expect(JSON.stringify(events)).not.toContain(key.secret);
    const detail = await getAgentDetail(h.db, a.id);
    expect(detail!.credentials.map((c) => c.id)).toContain(key.id);
    expect(JSON.stringify(detail)).not.toContain(row.secretHash!);
  });

  it("revokes a key with a reason, once", async () => {
    const [cred] = await h.db.select().from(credentials).limit(1);
    const r = await revokeCredential(h.db, caller, cred.id, "rotated");
    expect(r.revokeReason).toBe("rotated");
    expect(r).not.toHaveProperty("secretHash");
    const again = await revokeCredential(h.db, caller, cred.id, "again").catch((e) => e);
    expect(again.code).toBe("conflict");
  });

  it("quarantine revokes every credential at once; retirement is final", async () => {
    const [a] = await h.db.select().from(agents).where(eq(agents.name, "triage-bot"));
    await issueAgentKey(h.db, caller, a.id, { name: "k1", expiresInDays: null });
    await issueAgentKey(h.db, caller, a.id, { name: "k2", expiresInDays: 10 });
    const q = await setAgentStatus(h.db, caller, a.id, "quarantined", "prompt injection suspected");
    expect(q.revokedCredentials).toBe(2);
    const live = await h.db.select().from(credentials).where(and(eq(credentials.agentId, a.id), sql`${credentials.revokedAt} is null`));
    expect(live).toHaveLength(0);
    const noKey = await issueAgentKey(h.db, caller, a.id, { name: "k3", expiresInDays: 1 }).catch((e) => e);
    expect(noKey.code).toBe("conflict");
    await setAgentStatus(h.db, caller, a.id, "retired", "decommissioned");
    const back = await setAgentStatus(h.db, caller, a.id, "active", "oops").catch((e) => e);
    expect(back.code).toBe("conflict");
  });

  it("lists with server-side filters, search, sort and pagination", async () => {
    for (let i = 0; i < 12; i++) {
      await createAgent(h.db, systemCaller("test"), base(`bulk-${String(i).padStart(2, "0")}`, { team: i % 2 ? "finance" : "support", riskTier: i % 3 === 0 ? "high" : "low" }));
    }
    const q = (o: object) => agentListSchema.parse(o);
    const finance = await listAgents(h.db, q({ team: "finance", pageSize: "4" }));
    expect(finance.total).toBe(6);
    expect(finance.items).toHaveLength(4);
    expect(finance.items.every((a) => a.team === "finance")).toBe(true);
    const page2 = await listAgents(h.db, q({ team: "finance", pageSize: "4", page: "2" }));
    expect(page2.items).toHaveLength(2);
    expect(new Set([...finance.items, ...page2.items].map((a) => a.id)).size).toBe(6);
    const high = await listAgents(h.db, q({ riskTier: "high", q: "bulk" }));
    expect(high.total).toBe(4);
    const desc = await listAgents(h.db, q({ q: "bulk-", sort: "name", dir: "desc", pageSize: "1" }));
    expect(desc.items[0].name).toBe("bulk-11");
    const like = await listAgents(h.db, q({ q: "%" }));
    expect(like.total).toBe(0); // LIKE metacharacters are literal
  });

  it("keeps an intact, append-only hash chain", async () => {
    const v = await verifyAuditChain(h.db);
    expect(v).toMatchObject({ ok: true });
    expect(v.events).toBeGreaterThan(10);
    await expect(h.db.execute(sql`update audit_events set action = 'x'`)).rejects.toThrow();
    await expect(h.db.execute(sql`delete from audit_events`)).rejects.toThrow();
    expect(await h.db.select().from(users)).toHaveLength(0);
  });
});
