import { and, eq, isNull, type SQL } from "drizzle-orm";
import { DomainError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { agents, connectors, credentials, sessions } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { retireRolesOf } from "./postgres-backend";

export type RevokeScope = "session" | "agent" | "connector";

const TARGETS = {
  session: { table: sessions, column: credentials.sessionId, label: "Session", action: "session.credentials_revoked" },
  agent: { table: agents, column: credentials.agentId, label: "Agent", action: "agent.credentials_revoked" },
  // Break glass: everything any agent holds for one connector.
  connector: { table: connectors, column: credentials.connectorId, label: "Connector", action: "connector.break_glass" },
} as const;

/**
 * Revokes every live credential of one session, one agent, or one connector, with a reason, in
 * one transaction: one audit event per credential (so each shows on its session's timeline) and
 * one for the whole act on the target. Database roles are dropped before this returns.
 */
export async function revokeAllFor(db: Db, caller: Caller, scope: RevokeScope, id: string, reason: string) {
  const t = TARGETS[scope];
  const result = await db.transaction(async (tx) => {
    const [target] = await tx.select({ id: t.table.id }).from(t.table).where(eq(t.table.id, id));
    if (!target) throw notFound(t.label);
    const now = new Date();
    const where: SQL = and(eq(t.column, id), isNull(credentials.revokedAt))!;
    const revoked = await tx
      .update(credentials)
      .set({ revokedAt: now, revokedBy: caller.actor.id ?? null, revokedByKind: caller.actor.kind, revokeReason: reason })
      .where(where)
      .returning({ id: credentials.id, kind: credentials.kind, prefix: credentials.prefix, agentId: credentials.agentId, sessionId: credentials.sessionId });
    if (revoked.length === 0) throw new DomainError("conflict", `This ${t.label.toLowerCase()} holds no live credentials`);
    for (const c of revoked) {
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "credential.revoked",
        target: { kind: "credential", id: c.id },
        agentId: c.agentId,
        sessionId: c.sessionId,
        occurredAt: now,
        detail: { kind: c.kind, prefix: c.prefix, reason, [scope]: id },
      });
    }
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: t.action,
      target: { kind: scope, id },
      agentId: scope === "agent" ? id : null,
      sessionId: scope === "session" ? id : null,
      occurredAt: now,
      detail: { reason, revoked: revoked.length, credentials: revoked.map((c) => c.id) },
    });
    return revoked.map((c) => c.id);
  });
  await retireRolesOf(db, result);
  return { revoked: result.length, credentials: result };
}
