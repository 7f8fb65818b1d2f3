import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as credentialsRoute from "../../app/api/v1/credentials/route";
import * as personRevokeRoute from "../../app/api/v1/credentials/[id]/revoke/route";
import * as endRoute from "../../app/api/v1/sessions/[id]/end/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, credentials } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { createConnector } from "../../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { sweepCredentials } from "../../lib/services/credentials/sweeper";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const call = routeCaller(() => {});
const H = (h: unknown) => h as RouteHandler;

// The real backend for database connectors: temporary Postgres login roles on the local server,
// in a scratch database with a table the agent may read and one it may not.
describe.each(DB_KINDS)("Postgres just-in-time roles (Warden on %s)", (kind) => {
  let h: DatabaseHandle;
  let key: string;
  let approver: string;
  let target: string;
  const envName = `WARDEN_PG_TEST_${randomBytes(3).toString("hex").toUpperCase()}`;
  const adminUrl = () => inject("pgAdminUrl");

  const open = (intent: object) => call(H(sessionsRoute.POST), { token: key, path: "/api/v1/sessions", body: { intent } });
  const issue = (body: object) => call(H(credentialsRoute.POST), { token: key, path: "/api/v1/credentials", body });
  const asRole = async (connectionString: string, query: string) => {
    const c = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      return { ok: true as const, rows: (await c.query(query)).rows };
    } catch (err) {
      return { ok: false as const, error: (err as Error).message };
    } finally {
      await c.end().catch(() => {});
    }
  };

  beforeAll(async () => {
    target = `warden_jit_target_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${target}`);
    await admin.end();
    const u = new URL(adminUrl());
    u.pathname = `/${target}`;
    process.env[envName] = u.toString();
    const t = new pg.Client({ connectionString: u.toString() });
    await t.connect();
    await t.query("CREATE TABLE customers (id int primary key, name text); INSERT INTO customers VALUES (1, 'Ada'), (2, 'Linus')");
    await t.query("CREATE TABLE payroll (id int primary key, salary int); INSERT INTO payroll VALUES (1, 100)");
    // Nobody but the owner may connect by default on a fresh database? PUBLIC may; keep it so.
    await t.end();

    h = await openTestDatabase(kind);
    const a = await createAgent(h.db, system, { name: `db-bot-${kind}`, identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope: { actions: ["crm-db:*"], maxSensitivity: "confidential", maxTtlSeconds: 3600 } });
    key = (await issueAgentKey(h.db, system, a!.id, { name: "k", expiresInDays: 1 })).secret;
    await createConnector(
      h.db,
      system,
      connectorCreateSchema.parse({
        name: "crm-db",
        displayName: "CRM database",
        kind: "database",
        sensitivity: "confidential",
        config: { postgres: { adminUrlEnv: envName, schema: "public" } },
        tools: [
          { name: "customers", operations: [{ name: "select", access: "read" }, { name: "update", access: "write" }] },
          { name: "payroll", operations: [{ name: "select", access: "read" }] },
        ],
      }),
    );
    approver = (await personWithToken(h.db, `approver-pgjit-${kind}@example.com`, "approver")).token;
  });
  afterAll(async () => {
    await h?.close();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
    // Roles are cluster-wide: none of this run's may be left behind.
    const { rows } = await admin.query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'wdn_jit_%' AND rolvaliduntil < now() + interval '2 hours'");
    for (const r of rows) await admin.query(`DROP ROLE IF EXISTS "${r.rolname}"`).catch(() => {});
    await admin.end();
    delete process.env[envName];
  });

  it("creates a login role that reads the granted table, nothing else, and is gone once revoked", async () => {
    const s = await open({ goal: "look up a customer", actions: ["crm-db:customers.select"], maxSensitivity: "confidential", ttlSeconds: 600 });
    const r = await issue({ sessionId: s.body.id, connector: "crm-db", operations: ["customers.select"], ttlSeconds: 300 });
    expect(r.status).toBe(201);
    const conn: string = r.body.secret;
    expect(conn).toMatch(/^postgres(ql)?:\/\/wdn_jit_[0-9a-f]{12}:/);
    const [row] = await h.db.select().from(credentials).where(eq(credentials.id, r.body.credential.id));
    expect(row).toMatchObject({ kind: "database_role", jit: true });
    expect(JSON.stringify(row)).not.toContain(new URL(conn).password);

    expect(await asRole(conn, "SELECT name FROM customers ORDER BY id")).toEqual({ ok: true, rows: [{ name: "Ada" }, { name: "Linus" }] });
    const other = await asRole(conn, "SELECT * FROM payroll");
    expect(other).toMatchObject({ ok: false });
    expect((other as { error: string }).error).toMatch(/permission denied/);
    expect(await asRole(conn, "UPDATE customers SET name = 'x'")).toMatchObject({ ok: false });
    // The role expires by itself too.
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    const { rows } = await admin.query("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", [row.prefix]);
    await admin.end();
    expect(new Date(rows[0].rolvaliduntil).getTime()).toBe(row.expiresAt!.getTime());

    // An open connection is cut, and no new one is accepted, once the revoke call returns.
    const held = new pg.Client({ connectionString: conn });
    await held.connect();
    held.on("error", () => {});
    const rev = await call(H(personRevokeRoute.POST), { token: approver, path: `/api/v1/credentials/${row.id}/revoke`, params: { id: row.id }, body: { reason: "task finished early" } });
    expect(rev.status).toBe(200);
    await expect(held.query("SELECT 1")).rejects.toThrow();
    await held.end().catch(() => {});
    const after = await asRole(conn, "SELECT 1");
    expect(after.ok).toBe(false);
    const [dropped] = await h.db.select().from(credentials).where(eq(credentials.id, row.id));
    expect(dropped.metadata.roleDroppedAt).toBeTruthy();
  });

  it("drops the role when the session ends, and the sweeper drops an expired one", async () => {
    const s = await open({ goal: "two lookups", actions: ["crm-db:customers.select"], maxSensitivity: "confidential", ttlSeconds: 600 });
    const a = (await issue({ sessionId: s.body.id, connector: "crm-db", operations: ["customers.select"] })).body;
    const b = (await issue({ sessionId: s.body.id, connector: "crm-db", operations: ["customers.select"] })).body;
    expect((await asRole(b.secret, "SELECT count(*)::int AS n FROM customers")).ok).toBe(true);
    // b expires (as if its TTL ran out) and the sweeper comes by.
    await h.db.update(credentials).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(credentials.id, b.credential.id));
    const swept = await sweepCredentials(h.db);
    expect(swept.rolesDropped).toBeGreaterThanOrEqual(1);
    expect((await asRole(b.secret, "SELECT 1")).ok).toBe(false);
    const expiredEvents = await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, b.credential.id)).orderBy(auditEvents.seq);
    expect(expiredEvents.map((e) => e.action)).toEqual(["credential.issued", "credential.expired"]);
    // Ending the session takes a's role with it.
    expect((await asRole(a.secret, "SELECT 1")).ok).toBe(true);
    await call(H(endRoute.POST), { token: key, path: `/api/v1/sessions/${s.body.id}/end`, params: { id: s.body.id }, body: { reason: "done" } });
    expect((await asRole(a.secret, "SELECT 1")).ok).toBe(false);
  });

  it("refuses a scope the backend cannot grant, asks a person for one beyond the intent, and creates no role for either", async () => {
    const roles = async () => {
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      const n = (await admin.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE 'wdn_jit_%'")).rows[0].n as number;
      await admin.end();
      return n;
    };
    const s = await open({ goal: "read", actions: ["crm-db:customers.select"], maxSensitivity: "confidential", ttlSeconds: 600 });
    const before = await roles();
    const bad = await issue({ sessionId: s.body.id, connector: "crm-db", operations: ["customers.truncate"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe("operations");
    const wider = await issue({ sessionId: s.body.id, connector: "crm-db", operations: ["payroll.select"] });
    expect(wider.body.decision).toBe("escalate");
    expect(wider.body.secret).toBeUndefined();
    expect(await roles()).toBe(before);
  });
});
