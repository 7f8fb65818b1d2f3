import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { credentials } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { retireRolesOf } from "./postgres-backend";

/**
 * Revokes one credential with a reason. Checks read revoked_at from the database on every use,
 * so the revocation holds on every app instance as soon as this transaction commits.
 */
export async function revokeCredential(db: Db, caller: Caller, id: string, reason: string) {
  const result = await db.transaction(async (tx) => {
    const [cred] = await tx.select().from(credentials).where(eq(credentials.id, id)).for("update");
    if (!cred) throw notFound("Credential");
    if (cred.revokedAt) throw new DomainError("conflict", "Credential is already revoked");
    const now = new Date();
    const [updated] = await tx
      .update(credentials)
      .set({ revokedAt: now, revokedBy: caller.actor.id ?? null, revokedByKind: caller.actor.kind, revokeReason: reason })
      .where(eq(credentials.id, id))
      .returning();
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "credential.revoked",
      target: { kind: "credential", id },
      agentId: cred.agentId,
      sessionId: cred.sessionId,
      detail: { kind: cred.kind, prefix: cred.prefix, reason },
    });
    const { secretHash: _omit, ...rest } = updated;
    return rest;
  });
  await retireRolesOf(db, [id]);
  return result;
}
