import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { conflict, mapDbError } from "@/lib/errors";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/client";
import { publicUserColumns, type PublicUser } from "@/lib/db/queries/users";
import { users } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import type { PersonCreate } from "@/lib/domain/people/schemas";

export const USER_UNIQUE = { users_email_key: "email" };
export const duplicateEmail = () => conflict("A person with this email already exists", "email");

export type CreatedPerson = { person: PublicUser; oneTimePassword?: string };

/**
 * Adds a person. Without a password a one-time one is generated: it is returned here once,
 * exists nowhere else, and must be changed at first sign-in.
 */
export async function createPerson(db: Db, caller: Caller, input: PersonCreate): Promise<CreatedPerson> {
  const generated = input.password === undefined ? generatePassword() : undefined;
  // scrypt is slow on purpose: hash before opening the transaction so no locks wait on it.
  const passwordHash = await hashPassword(input.password ?? generated!);
  try {
    const person = await db.transaction(async (tx) => {
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
      if (taken) throw duplicateEmail();
      const [u] = await tx
        .insert(users)
        .values({
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash,
          mustChangePassword: generated !== undefined,
        })
        .returning(publicUserColumns);
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "person.created",
        target: { kind: "user", id: u.id },
        // Never the password or its hash: only how it was set.
        detail: { email: u.email, name: u.name, role: u.role, passwordSource: generated ? "one-time" : "set by admin" },
      });
      return u;
    });
    return generated ? { person, oneTimePassword: generated } : { person };
  } catch (err) {
    // The pre-check above loses a race with a concurrent insert; the unique index still holds.
    mapDbError(err, USER_UNIQUE);
  }
}
