import { and, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { publicTokenColumns, tokenStatus, type PublicToken } from "@/lib/db/queries/tokens";
import { apiTokens, users } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";

/**
 * Revokes a personal API token with a reason. `ownerId` limits it to that person's tokens
 * (another person's token is simply not found); null lets an admin revoke anyone's. Every bearer
 * check reads revoked_at from the database, so the token stops working once this commits.
 */
export async function revokeToken(
  db: Db,
  caller: Caller,
  id: string,
  reason: string,
  scope: { ownerId: string | null },
): Promise<PublicToken> {
  return db.transaction(async (tx) => {
    const where = scope.ownerId ? and(eq(apiTokens.id, id), eq(apiTokens.userId, scope.ownerId)) : eq(apiTokens.id, id);
    const [t] = await tx.select(publicTokenColumns).from(apiTokens).where(where).for("update");
    if (!t) throw notFound("Token");
    if (t.revokedAt) throw new DomainError("conflict", "This token is already revoked");
    const [updated] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date(), revokedBy: caller.actor.id ?? null, revokeReason: reason })
      .where(eq(apiTokens.id, id))
      .returning(publicTokenColumns);
    const [owner] = await tx.select({ email: users.email }).from(users).where(eq(users.id, t.userId));
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "token.revoked",
      target: { kind: "api_token", id },
      detail: { owner: owner?.email ?? null, name: t.name, prefix: t.prefix, reason },
    });
    return { ...updated, status: tokenStatus(updated) };
  });
}
