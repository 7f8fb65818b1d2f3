import { and, eq, isNull } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { credentials, sessions } from "@/lib/db/schema";
import type { WithFacts } from "../decisions/facts";
import type { AgentCaller } from "../machine/authenticate";
import { retireRolesOf } from "../credentials/postgres-backend";
import { withdrawForSession } from "../escalations/effects";

/**
 * Ends the agent's own session: it decides nothing more, and every credential issued to it is
 * revoked in the same transaction. Another agent's session is "not found".
 */
export async function endSession({ db, facts }: WithFacts, agent: AgentCaller, id: string, reason: string, meta: { requestId?: string; ip?: string | null }) {
  const result = await db.transaction(async (tx) => {
    const [s] = await tx.select().from(sessions).where(and(eq(sessions.id, id), eq(sessions.agentId, agent.id))).for("update");
    if (!s) throw notFound("Session");
    if (!["active", "pending"].includes(s.status)) {
      return { id, status: s.status, endedAt: s.endedAt?.toISOString() ?? null, revokedCredentials: 0, revokedIds: [] as string[] };
    }
    const now = new Date();
    await tx.update(sessions).set({ status: "ended", endedAt: now, endReason: reason }).where(eq(sessions.id, id));
    const revoked = await tx
      .update(credentials)
      .set({ revokedAt: now, revokedByKind: "system", revokeReason: "session ended" })
      .where(and(eq(credentials.sessionId, id), isNull(credentials.revokedAt)))
      .returning({ id: credentials.id });
    await withdrawForSession(tx, id, now, { kind: "agent", id: agent.id, label: agent.name });
    await recordAudit(tx, {
      actor: { kind: "agent", id: agent.id, label: agent.name },
      action: "session.ended",
      target: { kind: "session", id },
      agentId: agent.id,
      sessionId: id,
      detail: { reason, revokedCredentials: revoked.map((r) => r.id) },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return { id, status: "ended" as const, endedAt: now.toISOString(), revokedCredentials: revoked.length, revokedIds: revoked.map((r) => r.id) };
  });
  facts.forget(id);
  await retireRolesOf(db, result.revokedIds ?? []);
  const { revokedIds: _ids, ...out } = result;
  return out;
}
