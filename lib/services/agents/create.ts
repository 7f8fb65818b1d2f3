import { randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, mapDbError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { getUserById } from "@/lib/db/queries/users";
import { agents } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import type { AgentCreate } from "@/lib/domain/agents/schemas";

export const AGENT_UNIQUE = { agents_name_key: "name", agents_identity_key: "identity" };

/** Registers an agent. The insert and its audit event commit together or not at all. */
export async function createAgent(db: Db, caller: Caller, input: AgentCreate) {
  if (input.ownerId && !(await getUserById(db, input.ownerId))) {
    throw new DomainError("validation_failed", "ownerId: no such person", [{ path: "ownerId", message: "no such person" }]);
  }
  // Key-only agents get a stable synthetic identity so the unique index still applies.
  const identity = input.identityKind === "key" ? (input.identity ?? `key:${input.name}:${randomUUID()}`) : input.identity!;
  try {
    return await db.transaction(async (tx) => {
      const [agent] = await tx
        .insert(agents)
        .values({
          name: input.name,
          identity,
          identityKind: input.identityKind,
          team: input.team,
          ownerId: input.ownerId ?? null,
          purpose: input.purpose ?? "",
          riskTier: input.riskTier,
          envelope: input.envelope,
          labels: input.labels ?? {},
        })
        .returning();
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "agent.created",
        target: { kind: "agent", id: agent.id },
        agentId: agent.id,
        detail: { name: agent.name, identity: agent.identity, riskTier: agent.riskTier, team: agent.team },
      });
      return agent;
    });
  } catch (err) {
    mapDbError(err, AGENT_UNIQUE);
  }
}
