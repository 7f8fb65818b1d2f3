import { and, eq, isNull } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { publicUserColumns, type PublicUser } from "@/lib/db/queries/users";
import { apiTokens, users } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { assertAnotherAdminRemains, lockPerson } from "./guards";

/**
 * Disables or re-enables a person. Disabling bumps the auth epoch (browser sessions end on their
 * next request) and revokes every live API token in the same transaction, so re-enabling later
 * does not quietly bring old scripted access back.
 */
export async function setPersonDisabled(
  db: Db,
  caller: Caller,
  id: string,
  disabled: boolean,
  reason: string,
): Promise<{ person: PublicUser; revokedTokens: number }> {
  return db.transaction(async (tx) => {
    const before = await lockPerson(tx, id);
    if (disabled && before.disabledAt) throw new DomainError("conflict", "This person is already disabled");
    if (!disabled && !before.disabledAt) throw new DomainError("conflict", "This person is already enabled");
    if (disabled && caller.actor.id === id) {
      throw new DomainError("conflict", "You cannot disable your own account; ask another admin to do it");
    }
    if (disabled && before.role === "admin") await assertAnotherAdminRemains(tx, id, "disabled");

    const now = new Date();
    const [person] = await tx
      .update(users)
      .set(
        disabled
          ? { disabledAt: now, disabledBy: caller.actor.id ?? null, disabledReason: reason, authEpoch: before.authEpoch + 1, updatedAt: now }
          : { disabledAt: null, disabledBy: null, disabledReason: null, updatedAt: now },
      )
      .where(eq(users.id, id))
      .returning(publicUserColumns);

    let revoked: { id: string }[] = [];
    if (disabled) {
      revoked = await tx
        .update(apiTokens)
        .set({ revokedAt: now, revokedBy: caller.actor.id ?? null, revokeReason: `person disabled: ${reason}` })
        .where(and(eq(apiTokens.userId, id), isNull(apiTokens.revokedAt)))
        .returning({ id: apiTokens.id });
    }
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: disabled ? "person.disabled" : "person.enabled",
      target: { kind: "user", id },
      detail: { email: before.email, role: before.role, reason, ...(disabled ? { revokedTokens: revoked.map((r) => r.id) } : {}) },
    });
    return { person, revokedTokens: revoked.length };
  });
}
