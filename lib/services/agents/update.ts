import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, mapDbError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { getUserById } from "@/lib/db/queries/users";
import { agents } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { AGENT_UNIQUE } from "./create";
import type { AgentUpdate } from "@/lib/domain/agents/schemas";

/** Edits an agent's registration; the audit event records exactly which fields changed. */
export async function updateAgent(db: Db, caller: Caller, id: string, patch: AgentUpdate) {
  if (patch.ownerId && !(await getUserById(db, patch.ownerId))) {
    throw new DomainError("validation_failed", "ownerId: no such person", [{ path: "ownerId", message: "no such person" }]);
  }
  try {
    return await db.transaction(async (tx) => {
      // NO KEY UPDATE, not UPDATE: it still serialises changes to this agent, but lets a decision
      // batch that holds the audit chain's lock insert an escalation, whose foreign key
      // share-locks this row. With UPDATE each waited for the other: a deadlock.
      const [before] = await tx.select().from(agents).where(eq(agents.id, id)).for("no key update");
      if (!before) throw notFound("Agent");
      if (before.status === "retired") throw new DomainError("conflict", "A retired agent cannot be edited");
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      for (const [k, v] of Object.entries(patch) as [keyof AgentUpdate, unknown][]) {
        if (v === undefined) continue;
        const old = before[k as keyof typeof before];
        if (JSON.stringify(old) !== JSON.stringify(v)) changes[k] = { before: old, after: v };
      }
      if (Object.keys(changes).length === 0) return before;
      const [agent] = await tx
        .update(agents)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(agents.id, id))
        .returning();
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "agent.updated",
        target: { kind: "agent", id },
        agentId: id,
        detail: { changes },
      });
      return agent;
    });
  } catch (err) {
    mapDbError(err, AGENT_UNIQUE);
  }
}
