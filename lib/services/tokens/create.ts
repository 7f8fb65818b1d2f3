import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import { newSecret } from "@/lib/auth/secrets";
import type { Db } from "@/lib/db/client";
import { countActiveTokens, publicTokenColumns, tokenStatus, type PublicToken } from "@/lib/db/queries/tokens";
import { apiTokens, users } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { MAX_ACTIVE_TOKENS, type TokenCreate } from "./schemas";

/**
 * Issues a personal API token for `userId`. The plaintext is returned here once and exists
 * nowhere else: only its SHA-256 and a short display prefix are stored.
 */
export async function createToken(
  db: Db,
  caller: Caller,
  userId: string,
  input: TokenCreate,
): Promise<PublicToken & { token: string }> {
  const secret = newSecret("pat");
  const row = await db.transaction(async (tx) => {
    // Lock the owner so two concurrent creates cannot both slip under the limit.
    const [owner] = await tx.select({ id: users.id, email: users.email, disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId)).for("update");
    if (!owner || owner.disabledAt) throw notFound("Person");
    if ((await countActiveTokens(tx, userId)) >= MAX_ACTIVE_TOKENS) {
      throw new DomainError("conflict", `You already have ${MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use first`);
    }
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
    const [t] = await tx
      .insert(apiTokens)
      .values({ userId, name: input.name, tokenHash: secret.hash, prefix: secret.prefix, expiresAt })
      .returning(publicTokenColumns);
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "token.created",
      target: { kind: "api_token", id: t.id },
      detail: { owner: owner.email, name: t.name, prefix: t.prefix, expiresAt: t.expiresAt?.toISOString() ?? null },
    });
    return t;
  });
  return { ...row, status: tokenStatus(row), token: secret.token };
}
