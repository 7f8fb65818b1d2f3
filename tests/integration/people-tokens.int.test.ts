import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api/errors";
import { personFromApiToken } from "../../lib/auth/current";
import { verifyPassword } from "../../lib/auth/password";
import type { DatabaseHandle } from "../../lib/db/client";
import { listTokensForUser } from "../../lib/db/queries/tokens";
import { getUserById, listUsers } from "../../lib/db/queries/users";
import { apiTokens, auditEvents, users } from "../../lib/db/schema";
import type { Caller } from "../../lib/services/context";
import { changeOwnPassword } from "../../lib/services/people/change-password";
import { createPerson } from "../../lib/services/people/create";
import { resetPassword } from "../../lib/services/people/reset-password";
import { personCreateSchema, personListSchema, personUpdateSchema } from "../../lib/services/people/schemas";
import { setPersonDisabled } from "../../lib/services/people/set-disabled";
import { updatePerson } from "../../lib/services/people/update";
import { createToken } from "../../lib/services/tokens/create";
import { revokeToken } from "../../lib/services/tokens/revoke";
import { MAX_ACTIVE_TOKENS } from "../../lib/services/tokens/schemas";
import { DB_KINDS, openTestDatabase } from "./db";

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
    expect(err).toBeInstanceOf(ApiError);
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
  });
});
