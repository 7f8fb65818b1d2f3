import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/client";
import { publicUserColumns, type PublicUser } from "@/lib/db/queries/users";
import { users } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { lockPerson } from "./guards";

/**
 * An admin sets a new one-time password for someone else. It is returned here once; the person
 * must change it at their next sign-in, and every browser session they hold ends now.
 */
export async function resetPassword(
  db: Db,
  caller: Caller,
  id: string,
): Promise<{ person: PublicUser; oneTimePassword: string }> {
  if (caller.actor.id === id) {
    // Resetting your own password would skip the current-password check of a normal change.
    throw new DomainError("conflict", "Change your own password under Settings → Password instead");
  }
  const oneTimePassword = generatePassword();
  const passwordHash = await hashPassword(oneTimePassword); // slow: outside the transaction
  const person = await db.transaction(async (tx) => {
    const before = await lockPerson(tx, id);
    if (before.disabledAt) throw new DomainError("conflict", "Enable this person before resetting their password");
    const [u] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true, authEpoch: before.authEpoch + 1, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning(publicUserColumns);
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "person.password_reset",
      target: { kind: "user", id },
      detail: { email: before.email },
    });
    return u;
  });
  return { person, oneTimePassword };
}
