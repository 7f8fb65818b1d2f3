import { and, eq, sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, invalid } from "@/lib/errors";
import { clearFailures, isLockedOut, noteFailure } from "@/lib/auth/rate-limit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/client";
import { getUserCredentialsByEmail, publicUserColumns, type PublicUser } from "@/lib/db/queries/users";
import { users } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import type { PasswordChange } from "@/lib/domain/people/schemas";

/**
 * A person changes their own password. The current password is required even with a valid
 * session (a borrowed laptop or a leaked token must not be enough to take the account over).
 * Bumps the auth epoch: every browser session, this one included, must sign in again.
 */
export async function changeOwnPassword(
  db: Db,
  caller: Caller,
  self: { id: string; email: string },
  input: PasswordChange,
): Promise<PublicUser> {
  const keys = [`password-change:${self.id}`];
  if (isLockedOut(keys)) throw new DomainError("rate_limited", "Too many wrong passwords; try again in a few minutes");
  const user = await getUserCredentialsByEmail(db, self.email);
  if (!user || user.id !== self.id || user.disabledAt) throw new DomainError("unauthenticated", "Sign in again");
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    noteFailure(keys);
    throw invalid("currentPassword", "the current password is not correct");
  }
  clearFailures(keys);
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    // Only if the hash is still the one just checked: a concurrent change or reset wins.
    const [u] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, authEpoch: sql`${users.authEpoch} + 1`, updatedAt: new Date() })
      .where(and(eq(users.id, self.id), eq(users.passwordHash, user.passwordHash)))
      .returning(publicUserColumns);
    if (!u) throw new DomainError("conflict", "Your password was changed elsewhere in the meantime; sign in again");
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "person.password_changed",
      target: { kind: "user", id: self.id },
      detail: { email: user.email },
    });
    return u;
  });
}
