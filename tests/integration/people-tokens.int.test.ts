import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { personFromApiToken } from "../../lib/api/current-person";
import { verifyPassword } from "../../lib/auth/password";
import type { DatabaseHandle } from "../../lib/db/client";
import { listTokensForUser } from "../../lib/db/queries/tokens";
import { getUserById, listUsers } from "../../lib/db/queries/users";
import { apiTokens, auditEvents, users } from "../../lib/db/schema";
import type { Caller } from "../../lib/services/context";
import { changeOwnPassword } from "../../lib/services/people/change-password";
import { createPerson } from "../../lib/services/people/create";
import { resetPassword } from "../../lib/services/people/reset-password";
import { personCreateSchema, personListSchema, personUpdateSchema } from "@/lib/domain/people/schemas";
import { setPersonDisabled } from "../../lib/services/people/set-disabled";
import { updatePerson } from "../../lib/services/people/update";
import { createToken } from "../../lib/services/tokens/create";
import { revokeToken } from "../../lib/services/tokens/revoke";
import { MAX_ACTIVE_TOKENS } from "../../lib/services/tokens/schemas";
import * as meRoute from "../../app/api/v1/me/route";
import * as passwordRoute from "../../app/api/v1/me/password/route";
import * as revokeRoute from "../../app/api/v1/tokens/[id]/revoke/route";
import * as tokensRoute from "../../app/api/v1/tokens/route";
import * as disableRoute from "../../app/api/v1/users/[id]/disable/route";
import * as resetRoute from "../../app/api/v1/users/[id]/reset-password/route";
import * as userRoute from "../../app/api/v1/users/[id]/route";
import * as usersRoute from "../../app/api/v1/users/route";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller } from "./route-helpers";

const as = (u: { id: string; email: string }): Caller => ({ actor: { kind: "person", id: u.id, label: u.email } });
const input = (email: string, role: "admin" | "analyst" | "approver" | "auditor", password?: string) =>
  personCreateSchema.parse({ email, name: email.split("@")[0], role, ...(password ? { password } : {}) });
const noSecrets = (value: unknown) => {
  const s = JSON.stringify(value);
  expect(s).not.toMatch(/passwordHash|password_hash|tokenHash|token_hash|scrypt\$/);
};

describe.each(DB_KINDS)("people and tokens on %s", (kind) => {
  let h: DatabaseHandle;
  let root: { id: string; email: string };
  const bootstrap: Caller = { actor: { kind: "system", label: "test" } };

  beforeAll(async () => {
    h = await openTestDatabase(kind); // also becomes getDb(), which personFromApiToken uses
    const r = await createPerson(h.db, bootstrap, input("root@warden.test", "admin", "correct horse battery"));
    root = r.person;
  });
  afterAll(async () => h?.close());

  const auditCount = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n;
  const userCount = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(users))[0].n;
  const epoch = async (id: string) => (await getUserById(h.db, id))!.authEpoch;
  const lastAudit = async (targetId: string) =>
    (await h.db.select().from(auditEvents).where(eq(auditEvents.targetId, targetId)).orderBy(sql`${auditEvents.seq} desc`).limit(1))[0];

  it("creates a person with a one-time password, lower-cased email, audited without secrets", async () => {
    const r = await createPerson(h.db, as(root), input("  Alice@Warden.TEST ", "analyst"));
    expect(r.person.email).toBe("alice@warden.test");
    expect(r.person.mustChangePassword).toBe(true);
    expect(r.oneTimePassword!.length).toBeGreaterThanOrEqual(12);
    noSecrets(r.person);
    const [row] = await h.db.select().from(users).where(eq(users.id, r.person.id));
    expect(await verifyPassword(r.oneTimePassword!, row.passwordHash)).toBe(true);
    const ev = await lastAudit(r.person.id);
    expect(ev.action).toBe("person.created");
    expect(JSON.stringify(ev)).not.toContain(r.oneTimePassword!);
    noSecrets(ev);
    const given = await createPerson(h.db, as(root), input("bob@warden.test", "approver", "a long enough password"));
    expect(given.oneTimePassword).toBeUndefined();
    expect(given.person.mustChangePassword).toBe(false);
  });

  it("refuses a duplicate email with 409 on `email` and writes nothing", async () => {
    const [audits, people] = [await auditCount(), await userCount()];
    const err = await createPerson(h.db, as(root), input("ALICE@warden.test", "auditor")).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe("conflict");
    expect(err.fields[0].path).toBe("email");
    expect(await auditCount()).toBe(audits);
    expect(await userCount()).toBe(people);
  });

  it("validates input: short password, bad email, empty patch", () => {
    expect(personCreateSchema.safeParse({ email: "x@y.z", name: "x", role: "admin", password: "short" }).success).toBe(false);
    expect(personCreateSchema.safeParse({ email: "nope", name: "x", role: "admin" }).success).toBe(false);
    expect(personCreateSchema.safeParse({ email: "x@y.z", name: "x", role: "owner" }).success).toBe(false);
    expect(personUpdateSchema.safeParse({}).success).toBe(false);
  });

  it("a role change bumps authEpoch and is audited; a rename does not bump it", async () => {
    const [alice] = await h.db.select().from(users).where(eq(users.email, "alice@warden.test"));
    const before = alice.authEpoch;
    const renamed = await updatePerson(h.db, as(root), alice.id, { name: "Alice A." });
    expect(renamed.name).toBe("Alice A.");
    expect(await epoch(alice.id)).toBe(before);
    const promoted = await updatePerson(h.db, as(root), alice.id, { role: "approver" });
    expect(promoted.role).toBe("approver");
    expect(await epoch(alice.id)).toBe(before + 1);
    noSecrets(promoted);
    const ev = await lastAudit(alice.id);
    expect(ev.action).toBe("person.role_changed");
    expect(ev.detail).toMatchObject({ from: "analyst", to: "approver" });
    // Same role again: nothing changes, nothing is audited.
    const n = await auditCount();
    await updatePerson(h.db, as(root), alice.id, { role: "approver" });
    expect(await auditCount()).toBe(n);
    expect(await epoch(alice.id)).toBe(before + 1);
  });

  it("protects the last admin and the admin's own account", async () => {
    const selfDemote = await updatePerson(h.db, as(root), root.id, { role: "analyst" }).catch((e) => e);
    expect(selfDemote.code).toBe("conflict");
    expect(selfDemote.message).toMatch(/own admin role/);
    const selfDisable = await setPersonDisabled(h.db, as(root), root.id, true, "leaving").catch((e) => e);
    expect(selfDisable.code).toBe("conflict");
    expect(selfDisable.message).toMatch(/your own account/);
    // Someone else (a system job) trying to remove the only enabled admin.
    const sys: Caller = { actor: { kind: "system", label: "test" } };
    const lastDemote = await updatePerson(h.db, sys, root.id, { role: "auditor" }).catch((e) => e);
    expect(lastDemote.code).toBe("conflict");
    expect(lastDemote.message).toMatch(/last enabled admin/);
    const lastDisable = await setPersonDisabled(h.db, sys, root.id, true, "test").catch((e) => e);
    expect(lastDisable.message).toMatch(/last enabled admin/);
    expect((await getUserById(h.db, root.id))!.role).toBe("admin");

    // A second admin makes both allowed, but only one of two simultaneous demotions wins.
    const second = (await createPerson(h.db, as(root), input("second@warden.test", "admin", "another long password"))).person;
    const third = (await createPerson(h.db, as(root), input("third@warden.test", "admin", "another long password"))).person;
    await setPersonDisabled(h.db, as(root), third.id, true, "on leave"); // a disabled admin does not count
    const results = await Promise.allSettled([
      updatePerson(h.db, as(second), root.id, { role: "analyst" }),
      updatePerson(h.db, as(root), second.id, { role: "analyst" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = await h.db.select().from(users).where(and(eq(users.role, "admin"), sql`${users.disabledAt} is null`));
    expect(admins).toHaveLength(1);
    // Restore: whoever is left promotes the other back.
    const [left] = admins;
    const other = left.id === root.id ? second : root;
    await updatePerson(h.db, as(left), other.id, { role: "admin" });
  });

  it("disable bumps the epoch, revokes tokens and is audited; enable restores sign-in only", async () => {
    const bob = (await h.db.select().from(users).where(eq(users.email, "bob@warden.test")))[0];
    const t = await createToken(h.db, as(bob), bob.id, { name: "ci", expiresInDays: 30 });
    expect(await personFromApiToken(t.token)).toMatchObject({ id: bob.id, via: "token" });
    const before = bob.authEpoch;
    const r = await setPersonDisabled(h.db, as(root), bob.id, true, "left the company");
    expect(r.person.disabledAt).toBeInstanceOf(Date);
    expect(r.revokedTokens).toBe(1);
    expect(await epoch(bob.id)).toBe(before + 1);
    expect(await personFromApiToken(t.token)).toBeNull();
    expect((await lastAudit(bob.id)).action).toBe("person.disabled");
    const again = await setPersonDisabled(h.db, as(root), bob.id, true, "again").catch((e) => e);
    expect(again.code).toBe("conflict");
    const en = await setPersonDisabled(h.db, as(root), bob.id, false, "came back");
    expect(en.person.disabledAt).toBeNull();
    expect((await lastAudit(bob.id)).action).toBe("person.enabled");
    expect(await personFromApiToken(t.token)).toBeNull(); // revoked on disable, stays dead
  });

  it("a disabled person's token is refused even if it was never revoked", async () => {
    const dora = (await createPerson(h.db, as(root), input("dora@warden.test", "analyst", "dora's long password"))).person;
    const t = await createToken(h.db, as(dora), dora.id, { name: "x", expiresInDays: null });
    // Simulate a disable that bypassed the service (e.g. done directly in SQL).
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, dora.id));
    expect(await personFromApiToken(t.token)).toBeNull();
    await h.db.update(users).set({ disabledAt: null }).where(eq(users.id, dora.id));
  });

  it("admin password reset: one-time password, must change, epoch bumped, never in audit", async () => {
    const dora = (await h.db.select().from(users).where(eq(users.email, "dora@warden.test")))[0];
    const r = await resetPassword(h.db, as(root), dora.id);
    expect(r.person.mustChangePassword).toBe(true);
    expect((await getUserById(h.db, dora.id))!.authEpoch).toBe(dora.authEpoch + 1);
    const [row] = await h.db.select().from(users).where(eq(users.id, dora.id));
    expect(await verifyPassword(r.oneTimePassword, row.passwordHash)).toBe(true);
    const ev = await lastAudit(dora.id);
    expect(ev.action).toBe("person.password_reset");
    expect(JSON.stringify(ev)).not.toContain(r.oneTimePassword);
    noSecrets(r.person);
    const self = await resetPassword(h.db, as(root), root.id).catch((e) => e);
    expect(self.code).toBe("conflict");
  });

  it("own password change: needs the current one, clears mustChangePassword, bumps the epoch", async () => {
    const created = await createPerson(h.db, as(root), input("erin@warden.test", "auditor"));
    const erin = created.person;
    const wrong = await changeOwnPassword(h.db, as(erin), erin, { currentPassword: "not it at all", newPassword: "a brand new password" }).catch((e) => e);
    expect(wrong.code).toBe("validation_failed");
    expect(wrong.fields[0].path).toBe("currentPassword");
    const me = await changeOwnPassword(h.db, as(erin), erin, { currentPassword: created.oneTimePassword!, newPassword: "a brand new password" });
    expect(me.mustChangePassword).toBe(false);
    expect(me.authEpoch).toBe(erin.authEpoch + 1);
    noSecrets(me);
    const [row] = await h.db.select().from(users).where(eq(users.id, erin.id));
    expect(await verifyPassword("a brand new password", row.passwordHash)).toBe(true);
    const ev = await lastAudit(erin.id);
    expect(ev.action).toBe("person.password_changed");
    expect(JSON.stringify(ev)).not.toContain("a brand new password");
  });

  it("token: shown once, stored as SHA-256, resolves to the person with their current role", async () => {
    const frank = (await createPerson(h.db, as(root), input("frank@warden.test", "admin", "frank's long password"))).person;
    const t = await createToken(h.db, as(frank), frank.id, { name: "terraform", expiresInDays: 90 });
    expect(t.token).toMatch(/^wdn_pat_/);
    expect(t.status).toBe("active");
    noSecrets(t);
    const [row] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, t.id));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(t.token);
    expect(t.token.startsWith(row.prefix)).toBe(true);
    const ev = await lastAudit(t.id);
    expect(ev.action).toBe("token.created");
    expect(JSON.stringify(ev)).not.toContain(t.token);
    expect(JSON.stringify(ev)).not.toContain(row.tokenHash);

    expect(await personFromApiToken(t.token)).toMatchObject({ id: frank.id, role: "admin", via: "token", tokenId: t.id });
    await updatePerson(h.db, as(root), frank.id, { role: "auditor" });
    expect(await personFromApiToken(t.token)).toMatchObject({ id: frank.id, role: "auditor" });
    expect(await personFromApiToken(t.token.slice(0, -1) + (t.token.endsWith("A") ? "B" : "A"))).toBeNull();

    const list = await listTokensForUser(h.db, frank.id);
    expect(list.map((x) => x.id)).toEqual([t.id]);
    noSecrets(list);
  });

  it("revoked and expired tokens resolve to null; revoke is scoped to the owner unless admin", async () => {
    const frank = (await h.db.select().from(users).where(eq(users.email, "frank@warden.test")))[0];
    const dora = (await h.db.select().from(users).where(eq(users.email, "dora@warden.test")))[0];
    const t = await createToken(h.db, as(frank), frank.id, { name: "to revoke", expiresInDays: null });
    const notMine = await revokeToken(h.db, as(dora), t.id, "not mine", { ownerId: dora.id }).catch((e) => e);
    expect(notMine.code).toBe("not_found");
    const r = await revokeToken(h.db, as(frank), t.id, "rotating", { ownerId: frank.id });
    expect(r.status).toBe("revoked");
    expect(r.revokeReason).toBe("rotating");
    noSecrets(r);
    expect(await personFromApiToken(t.token)).toBeNull();
    expect((await lastAudit(t.id)).action).toBe("token.revoked");
    const twice = await revokeToken(h.db, as(frank), t.id, "again", { ownerId: frank.id }).catch((e) => e);
    expect(twice.code).toBe("conflict");

    const t2 = await createToken(h.db, as(frank), frank.id, { name: "admin revokes", expiresInDays: 1 });
    await revokeToken(h.db, as(root), t2.id, "cleanup", { ownerId: null });
    expect(await personFromApiToken(t2.token)).toBeNull();

    const t3 = await createToken(h.db, as(frank), frank.id, { name: "expiring", expiresInDays: 1 });
    expect(await personFromApiToken(t3.token)).not.toBeNull();
    await h.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, t3.id));
    expect(await personFromApiToken(t3.token)).toBeNull();
    const listed = await listTokensForUser(h.db, frank.id);
    expect(listed.find((x) => x.id === t3.id)!.status).toBe("expired");
  });

  it(`caps active tokens at ${MAX_ACTIVE_TOKENS}; revoked and expired ones do not count`, async () => {
    const gus = (await createPerson(h.db, as(root), input("gus@warden.test", "approver", "gus's long password"))).person;
    const made = [];
    for (let i = 0; i < MAX_ACTIVE_TOKENS; i++) made.push(await createToken(h.db, as(gus), gus.id, { name: `t${i}`, expiresInDays: 7 }));
    const n = await auditCount();
    const over = await createToken(h.db, as(gus), gus.id, { name: "one too many", expiresInDays: 7 }).catch((e) => e);
    expect(over.code).toBe("conflict");
    expect(await auditCount()).toBe(n);
    await revokeToken(h.db, as(gus), made[0].id, "make room", { ownerId: gus.id });
    await createToken(h.db, as(gus), gus.id, { name: "fits again", expiresInDays: 7 });
  });

  it("lists people with filters and pagination and never returns a hash", async () => {
    const q = (o: object) => personListSchema.parse(o);
    const all = await listUsers(h.db, q({}));
    expect(all.total).toBe(await userCount());
    noSecrets(all);
    const admins = await listUsers(h.db, q({ role: "admin" }));
    expect(admins.items.every((u) => u.role === "admin")).toBe(true);
    const disabled = await listUsers(h.db, q({ status: "disabled" }));
    expect(disabled.items.map((u) => u.email)).toEqual(["third@warden.test"]);
    const search = await listUsers(h.db, q({ q: "ALICE" }));
    expect(search.items.map((u) => u.email)).toEqual(["alice@warden.test"]);
    const page2 = await listUsers(h.db, q({ pageSize: "2", page: "2", sort: "email" }));
    expect(page2.items).toHaveLength(2);
    expect(page2.items[0].email <= page2.items[1].email).toBe(true);
    await h.db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, root.id));
    for (const dir of ["asc", "desc"]) {
      const recent = await listUsers(h.db, q({ sort: "lastSignInAt", dir }));
      expect(recent.items[0].id).toBe(root.id); // never-signed-in people come last either way
    }
  });
});

// The handlers themselves, called with real bearer tokens: the shared security cases.
describe("people and tokens API (pglite)", () => {
  let h: DatabaseHandle;
  let admin: { id: string; email: string; token: string };
  let analyst: { id: string; email: string; token: string };

  beforeAll(async () => {
    h = await openTestDatabase("pglite");
    admin = await personWithToken(h.db, "admin@api.test", "admin");
    analyst = await personWithToken(h.db, "analyst@api.test", "analyst");
  });
  afterAll(async () => h?.close());

  const call = routeCaller(noSecrets);

  it("refuses no credentials and a bad token with 401", async () => {
    expect((await call(usersRoute.GET)).status).toBe(401);
    expect((await call(tokensRoute.GET)).status).toBe(401);
    expect((await call(meRoute.GET, { token: "wdn_pat_" + "x".repeat(43) })).status).toBe(401);
  });

  it("people administration is admin only (403 for other roles)", async () => {
    expect((await call(usersRoute.GET, { token: analyst.token })).status).toBe(403);
    expect((await call(userRoute.PATCH, { token: analyst.token, method: "PATCH", body: { role: "admin" }, params: { id: analyst.id } })).status).toBe(403);
    const list = await call(usersRoute.GET, { token: admin.token, path: "/api/v1/users?role=analyst" });
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { email: string }) => u.email)).toEqual(["analyst@api.test"]);
  });

  it("creates with 201 and a one-time password; duplicate email is 409 on email", async () => {
    const r = await call(usersRoute.POST, { token: admin.token, body: { email: "new@api.test", name: "New", role: "auditor" } });
    expect(r.status).toBe(201);
    expect(r.body.oneTimePassword).toEqual(expect.any(String));
    expect(r.body.person.mustChangePassword).toBe(true);
    const dup = await call(usersRoute.POST, { token: admin.token, body: { email: "NEW@api.test", name: "Again", role: "auditor" } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields[0].path).toBe("email");
    const bad = await call(usersRoute.POST, { token: admin.token, body: { email: "x@api.test", name: "X", role: "auditor", password: "short" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe("password");
  });

  it("unknown and non-UUID ids are 404", async () => {
    for (const id of ["nope", "00000000-0000-4000-8000-00000000abcd"]) {
      expect((await call(userRoute.GET, { token: admin.token, params: { id } })).status).toBe(404);
      expect((await call(disableRoute.POST, { token: admin.token, body: { reason: "test" }, params: { id } })).status).toBe(404);
      expect((await call(resetRoute.POST, { token: admin.token, method: "POST", params: { id } })).status).toBe(404);
      expect((await call(revokeRoute.POST, { token: analyst.token, body: { reason: "test" }, params: { id } })).status).toBe(404);
    }
  });

  it("me, own tokens and token revocation scoped to the owner (404 for another's, admin may)", async () => {
    const me = await call(meRoute.GET, { token: analyst.token });
    expect(me.body).toMatchObject({ id: analyst.id, role: "analyst", via: "token" });
    expect(me.body.capabilities).toContain("readInventory");
    expect(me.body.capabilities).not.toContain("managePeople");
    const created = await call(tokensRoute.POST, { token: analyst.token, body: { name: "ci", expiresInDays: null } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^wdn_pat_/);
    const tooLong = await call(tokensRoute.POST, { token: analyst.token, body: { name: "ci", expiresInDays: 366 } });
    expect(tooLong.body.error.fields[0].path).toBe("expiresInDays");
    const mine = await call(tokensRoute.GET, { token: analyst.token });
    expect(mine.body.items).toHaveLength(2);
    const theirs = await call(tokensRoute.GET, { token: admin.token });
    expect(theirs.body.items.map((t: { id: string }) => t.id)).not.toContain(created.body.id);
    const adminToken = theirs.body.items[0].id;
    const notMine = await call(revokeRoute.POST, { token: analyst.token, body: { reason: "not mine" }, params: { id: adminToken } });
    expect(notMine.status).toBe(404);
    const byAdmin = await call(revokeRoute.POST, { token: admin.token, body: { reason: "offboarding" }, params: { id: created.body.id } });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.status).toBe("revoked");
    expect((await call(meRoute.GET, { token: created.body.token })).status).toBe(401);
    const detail = await call(userRoute.GET, { token: admin.token, params: { id: analyst.id } });
    expect(detail.body.tokens).toHaveLength(2);
  });

  it("a demotion applies to the person's token on the next request", async () => {
    const promoted = await call(userRoute.PATCH, { token: admin.token, method: "PATCH", body: { role: "admin" }, params: { id: analyst.id } });
    expect(promoted.status).toBe(200);
    expect((await call(usersRoute.GET, { token: analyst.token })).status).toBe(200);
    await call(userRoute.PATCH, { token: admin.token, method: "PATCH", body: { role: "auditor" }, params: { id: analyst.id } });
    expect((await call(usersRoute.GET, { token: analyst.token })).status).toBe(403);
    const self = await call(disableRoute.POST, { token: admin.token, body: { reason: "test" }, params: { id: admin.id } });
    expect(self.status).toBe(409);
  });

  it("own password change needs the current password", async () => {
    const wrong = await call(passwordRoute.POST, { token: analyst.token, body: { currentPassword: "wrong one here", newPassword: "a new long password" } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields[0].path).toBe("currentPassword");
    const ok = await call(passwordRoute.POST, { token: analyst.token, body: { currentPassword: "a long test password", newPassword: "a new long password" } });
    expect(ok.status).toBe(200);
  });
});
