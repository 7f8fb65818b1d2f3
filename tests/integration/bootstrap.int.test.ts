import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../lib/auth/password";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, users } from "../../lib/db/schema";
import { ensureFirstAdmin } from "../../lib/services/people/bootstrap";
import { DB_KINDS, openTestDatabase } from "./db";

describe.each(DB_KINDS)("first admin on %s", (kind) => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase(kind);
  });
  afterAll(async () => h?.close());
  afterEach(() => {
    delete process.env.WARDEN_ADMIN_EMAIL;
    delete process.env.WARDEN_ADMIN_PASSWORD;
  });

  it("refuses a short WARDEN_ADMIN_PASSWORD and writes nothing", async () => {
    process.env.WARDEN_ADMIN_PASSWORD = "short";
    await expect(ensureFirstAdmin(h.db, () => {})).rejects.toThrow(/at least 12/);
    expect(await h.db.select().from(users)).toHaveLength(0);
  });

  it("without env vars prints a one-time password once and requires a change", async () => {
    const lines: string[] = [];
    const u = await ensureFirstAdmin(h.db, (l) => lines.push(l));
    expect(u).not.toBeNull();
    const printed = lines.join("\n").match(/One-time password.*: (\S+)$/m)?.[1];
    expect(printed).toBeTruthy();
    const [row] = await h.db.select().from(users);
    expect(row.email).toBe("admin@warden.local");
    expect(row.role).toBe("admin");
    expect(row.mustChangePassword).toBe(true);
    expect(row.passwordHash).not.toContain(printed!);
    expect(await verifyPassword(printed!, row.passwordHash)).toBe(true);
    const [ev] = await h.db.select().from(auditEvents).where(eq(auditEvents.action, "person.created"));
    expect(JSON.stringify(ev)).not.toContain(printed!);
    // A database that has people is left alone.
    expect(await ensureFirstAdmin(h.db, (l) => lines.push(l))).toBeNull();
    expect(await h.db.select().from(users)).toHaveLength(1);
  });
});

describe("first admin from the environment", () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase("pglite");
  });
  afterAll(async () => h?.close());

  it("uses WARDEN_ADMIN_EMAIL / WARDEN_ADMIN_PASSWORD and prints no password", async () => {
    process.env.WARDEN_ADMIN_EMAIL = " SecOps@Example.com ";
    process.env.WARDEN_ADMIN_PASSWORD = "correct horse battery staple";
    const lines: string[] = [];
    await ensureFirstAdmin(h.db, (l) => lines.push(l));
    delete process.env.WARDEN_ADMIN_EMAIL;
    delete process.env.WARDEN_ADMIN_PASSWORD;
    const [row] = await h.db.select().from(users);
    expect(row.email).toBe("secops@example.com");
    expect(row.mustChangePassword).toBe(false);
    expect(await verifyPassword("correct horse battery staple", row.passwordHash)).toBe(true);
    expect(lines.join("\n")).not.toContain("correct horse");
  });
});
