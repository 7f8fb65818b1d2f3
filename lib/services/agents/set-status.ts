import { and, eq, isNull } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { agents, credentials } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { retireRolesOf } from "../credentials/postgres-backend";

type Status = "active" | "quarantined" | "retired";

/**
 * Quarantine, retire or reactivate an agent. Quarantine and retirement revoke every credential
 * the agent holds in the same transaction, so nothing it was given outlives the decision.
 * Retirement is final.
 */
export async function setAgentStatus(db: Db, caller: Caller, id: string, status: Status, reason: string) {
  const result = await db.transaction(async (tx) => {
    // NO KEY UPDATE, not UPDATE: it still serialises changes to this agent, but lets a decision
    // batch that holds the audit chain's lock insert an escalation, whose foreign key
    // share-locks this row. With UPDATE each waited for the other: a deadlock.
    const [agent] = await tx.select().from(agents).where(eq(agents.id, id)).for("no key update");
    if (!agent) throw notFound("Agent");
    if (agent.status === status) throw new DomainError("conflict", `Agent is already ${status}`);
    if (agent.status === "retired") throw new DomainError("conflict", "A retired agent cannot be reactivated");
    const now = new Date();
    const [updated] = await tx
      .update(agents)
      .set({ status, statusReason: reason, statusChangedAt: now, statusChangedBy: caller.actor.id ?? null, updatedAt: now })
      .where(eq(agents.id, id))
      .returning();
    let revoked: { id: string }[] = [];
    if (status !== "active") {
      revoked = await tx
        .update(credentials)
        .set({
          revokedAt: now,
          revokedBy: caller.actor.id ?? null,
          revokedByKind: caller.actor.kind,
          revokeReason: `agent ${status}: ${reason}`,
        })
        .where(and(eq(credentials.agentId, id), isNull(credentials.revokedAt)))
        .returning({ id: credentials.id });
    }
    const verb = status === "active" ? "reactivated" : status;
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: `agent.${verb}`,
      target: { kind: "agent", id },
      agentId: id,
      detail: { from: agent.status, to: status, reason, revokedCredentials: revoked.map((r) => r.id) },
    });
    return { agent: updated, revokedCredentials: revoked.length, revokedIds: revoked.map((r) => r.id) };
  });
  await retireRolesOf(db, result.revokedIds);
  const { revokedIds: _ids, ...out } = result;
  return out;
}
