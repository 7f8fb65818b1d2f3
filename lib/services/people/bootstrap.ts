import { recordAudit } from "@/lib/audit/record";
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import type { Db } from "@/lib/db/client";
import { countUsers } from "@/lib/db/queries/users";
import { users } from "@/lib/db/schema";

/**
 * On an empty database, creates the first admin: from WARDEN_ADMIN_EMAIL / WARDEN_ADMIN_PASSWORD
 * when set, otherwise admin@warden.local with a one-time password printed once to the server
 * log, to be changed at first sign-in.
 */
export async function ensureFirstAdmin(db: Db, log: (line: string) => void = console.log) {
  if ((await countUsers(db)) > 0) return null;
  const email = (process.env.WARDEN_ADMIN_EMAIL ?? "admin@warden.local").trim().toLowerCase();
  const given = process.env.WARDEN_ADMIN_PASSWORD;
  if (given !== undefined && given.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`WARDEN_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const password = given ?? generatePassword();
  const created = await db.transaction(async (tx) => {
    const [u] = await tx
      .insert(users)
      .values({ email, name: "Administrator", role: "admin", passwordHash: await hashPassword(password), mustChangePassword: !given })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!u) return null; // another instance won the race
    await recordAudit(tx, {
      actor: { kind: "system", label: "bootstrap" },
      action: "person.created",
      target: { kind: "user", id: u.id },
      detail: { email, role: "admin", source: given ? "environment" : "one-time password" },
    });
    return u;
  });
  if (created && !given) {
    log(`[warden] First admin created: ${email}`);
    log(`[warden] One-time password (shown once, change it after signing in): ${password}`);
  } else if (created) {
    log(`[warden] First admin created from WARDEN_ADMIN_EMAIL: ${email}`);
  }
  return created;
}
