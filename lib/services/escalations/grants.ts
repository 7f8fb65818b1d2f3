import { and, asc, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { rows, type Db } from "@/lib/db/client";
import { grants } from "@/lib/db/schema";
import type { GrantScope } from "@/lib/policy/decide";

export type UsableGrant = { id: string; escalationId: string; scope: GrantScope };

const usable = (sessionId: string, hash: string, now: Date) =>
  and(eq(grants.sessionId, sessionId), eq(grants.actionHash, hash), isNull(grants.revokedAt), gt(grants.expiresAt, now), or(isNull(grants.usesLeft), gt(grants.usesLeft, 0)));

/**
 * An unexpired, unused approval for exactly this action in this session (design.md decision
 * path step 5). Only read on the escalate path. A session-wide grant is preferred so a "once"
 * grant is not spent while a broader one exists. This is a candidate only: the group writer
 * takes (and for "once", uses up) the grant in the commit, so a replay or a concurrent twin
 * cannot both pass.
 */
export async function findGrant(db: Db, sessionId: string, hash: string, now: Date): Promise<UsableGrant | undefined> {
  const [g] = await db
    .select({ id: grants.id, escalationId: grants.escalationId, scope: grants.scope })
    .from(grants)
    .where(usable(sessionId, hash, now))
    .orderBy(desc(sql`${grants.usesLeft} is null`), asc(grants.createdAt))
    .limit(1);
  return g;
}

/** The same, taken inside the caller's transaction (paths outside the group writer). */
export async function takeGrant(tx: Db, sessionId: string, hash: string, now: Date): Promise<UsableGrant | undefined> {
  const result = await tx.execute(sql`
    update grants set
      uses_left = case when uses_left is null then null else uses_left - 1 end,
      consumed_at = case when uses_left = 1 then ${now} else consumed_at end
    where id = (
      select id from grants
      where session_id = ${sessionId} and action_hash = ${hash} and revoked_at is null and expires_at > ${now}
        and (uses_left is null or uses_left > 0)
      order by (uses_left is null) desc, created_at
      limit 1 for update
    )
    returning id, escalation_id, scope`);
  const [r] = rows<{ id: string; escalation_id: string; scope: UsableGrant["scope"] }>(result);
  return r ? { id: r.id, escalationId: r.escalation_id, scope: r.scope } : undefined;
}

