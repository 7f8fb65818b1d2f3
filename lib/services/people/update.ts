import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { getUserById, publicUserColumns, type PublicUser } from "@/lib/db/queries/users";
import { users } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { assertAnotherAdminRemains, lockPerson } from "./guards";
import type { PersonUpdate } from "@/lib/domain/people/schemas";

/**
 * Renames a person or changes their role. A role change bumps the auth epoch, so every browser
 * session that person holds ends on its next request (tokens read the role live anyway).
 */
export async function updatePerson(db: Db, caller: Caller, id: string, patch: PersonUpdate): Promise<PublicUser> {
  return db.transaction(async (tx) => {
    const before = await lockPerson(tx, id);
    const roleChanged = patch.role !== undefined && patch.role !== before.role;
    const nameChanged = patch.name !== undefined && patch.name !== before.name;
    if (!roleChanged && !nameChanged) return (await getUserById(tx, id))!;
    if (roleChanged && before.role === "admin") {
      if (caller.actor.id === id) {
        throw new DomainError("conflict", "You cannot remove your own admin role; ask another admin to do it");
      }
      if (!before.disabledAt) await assertAnotherAdminRemains(tx, id, "demoted");
    }
    const [after] = await tx
      .update(users)
      .set({
        ...(nameChanged ? { name: patch.name } : {}),
        ...(roleChanged ? { role: patch.role, authEpoch: before.authEpoch + 1 } : {}),
        updatedAt: new Date(),
      })
      .where(eq(users.id, id))
      .returning(publicUserColumns);
    if (!after) throw notFound("Person");
    if (roleChanged) {
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "person.role_changed",
        target: { kind: "user", id },
        detail: { email: before.email, from: before.role, to: after.role },
      });
    }
    if (nameChanged) {
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "person.updated",
        target: { kind: "user", id },
        detail: { email: before.email, changes: { name: { before: before.name, after: after.name } } },
      });
    }
    return after;
  });
}
