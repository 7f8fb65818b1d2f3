import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { apiTokens } from "@/lib/db/schema";

// Every read that leaves this file omits token_hash.
export const publicTokenColumns = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
  revokeReason: apiTokens.revokeReason,
  createdAt: apiTokens.createdAt,
};

export type TokenStatus = "active" | "expired" | "revoked";
export type PublicToken = {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokeReason: string | null;
  createdAt: Date;
  status: TokenStatus;
};

export function tokenStatus(t: { revokedAt: Date | null; expiresAt: Date | null }, now = Date.now()): TokenStatus {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && t.expiresAt.getTime() <= now) return "expired";
  return "active";
}

/** Not revoked and not past its expiry: the same test personFromApiToken applies. */
export const activeToken = () =>
  and(isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)));

/** One person's tokens, live ones first, newest first. */
export async function listTokensForUser(db: Executor, userId: string, limit = 200): Promise<PublicToken[]> {
  const now = Date.now();
  const rows = await db
    .select(publicTokenColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(sql`${apiTokens.revokedAt} is not null`, desc(apiTokens.createdAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, status: tokenStatus(r, now) }));
}

export async function getToken(db: Executor, id: string): Promise<PublicToken | undefined> {
  const [r] = await db.select(publicTokenColumns).from(apiTokens).where(eq(apiTokens.id, id));
  return r ? { ...r, status: tokenStatus(r) } : undefined;
}

export async function countActiveTokens(db: Executor, userId: string): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), activeToken()));
  return r.n;
}
