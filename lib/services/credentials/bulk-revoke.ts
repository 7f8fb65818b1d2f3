import { inArray } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { credentials } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { BULK_REVOKE_MAX } from "@/lib/domain/credentials/constants";
import { retireRolesOf } from "./postgres-backend";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type BulkRevokeResult = {
  revoked: string[];
  skipped: { id: string; reason: "already_revoked" }[];
};

/**
 * Revokes many credentials with one reason, in one transaction with one audit event each.
 * All or nothing: any unknown id fails the whole request (404) before anything is written.
 * Already-revoked ones are reported as skipped, and their revocation record is left as it was.
 */
export async function bulkRevokeCredentials(db: Db, caller: Caller, ids: string[], reason: string): Promise<BulkRevokeResult> {
  const wanted = [...new Set(ids.map((id) => id.trim().toLowerCase()))];
  if (wanted.length > BULK_REVOKE_MAX) {
    throw new DomainError("validation_failed", `ids: at most ${BULK_REVOKE_MAX} credentials per request`, [
      { path: "ids", message: `at most ${BULK_REVOKE_MAX} credentials per request` },
    ]);
  }
  const malformed = wanted.filter((id) => !UUID_RE.test(id));
  if (malformed.length) throw unknownIds(malformed);
  const result = await db.transaction(async (tx): Promise<BulkRevokeResult> => {
    // Lock in id order so two overlapping bulk revocations cannot deadlock.
    const rows = await tx
      .select({
        id: credentials.id,
        kind: credentials.kind,
        prefix: credentials.prefix,
        agentId: credentials.agentId,
        sessionId: credentials.sessionId,
        revokedAt: credentials.revokedAt,
      })
      .from(credentials)
      .where(inArray(credentials.id, wanted))
      .orderBy(credentials.id)
      .for("update");
    const found = new Set(rows.map((r) => r.id));
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length) throw unknownIds(missing);

    const live = rows.filter((r) => !r.revokedAt);
    const now = new Date();
    if (live.length) {
      await tx
        .update(credentials)
        .set({ revokedAt: now, revokedBy: caller.actor.id ?? null, revokedByKind: caller.actor.kind, revokeReason: reason })
        .where(inArray(credentials.id, live.map((r) => r.id)));
    }
    for (const cred of live) {
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "credential.revoked",
        target: { kind: "credential", id: cred.id },
        agentId: cred.agentId,
        sessionId: cred.sessionId,
        occurredAt: now,
        detail: { kind: cred.kind, prefix: cred.prefix, reason, bulk: true },
      });
    }
    const order = new Map(wanted.map((id, i) => [id, i]));
    const byRequest = (a: { id: string }, b: { id: string }) => order.get(a.id)! - order.get(b.id)!;
    return {
      revoked: [...live].sort(byRequest).map((r) => r.id),
      skipped: rows
        .filter((r) => r.revokedAt)
        .sort(byRequest)
        .map((r) => ({ id: r.id, reason: "already_revoked" as const })),
    };
  });
  await retireRolesOf(db, result.revoked);
  return result;
}

function unknownIds(ids: string[]) {
  const shown = ids.slice(0, 20);
  return new DomainError(
    "not_found",
    `${ids.length} credential${ids.length === 1 ? "" : "s"} not found; nothing was revoked`,
    shown.map((id) => ({ path: "ids", message: `not found: ${id.slice(0, 100)}` })),
  );
}
