import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { invalid } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { publicCredentialColumns, type PublicCredential } from "@/lib/db/queries/credentials";
import { agents, connectors, credentials } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import type { CredentialRecord } from "@/lib/domain/credentials/schemas";

/**
 * Records a standing secret an agent holds elsewhere, for the inventory (and the standing /
 * stale-secret findings). No secret is stored: there is no hash to check, only the record.
 */
export async function recordStandingCredential(db: Db, caller: Caller, input: CredentialRecord): Promise<PublicCredential> {
  return db.transaction(async (tx) => {
    const [agent] = await tx.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, input.agentId));
    if (!agent) throw invalid("agentId", "no such agent");
    let connector: { id: string; name: string } | undefined;
    if (input.connectorId) {
      [connector] = await tx.select({ id: connectors.id, name: connectors.name }).from(connectors).where(eq(connectors.id, input.connectorId));
      if (!connector) throw invalid("connectorId", "no such connector");
    }
    const [cred] = await tx
      .insert(credentials)
      .values({
        kind: input.kind,
        name: input.name,
        agentId: agent.id,
        connectorId: connector?.id ?? null,
        jit: false,
        scope: input.scope,
        secretHash: null,
        prefix: input.prefix ?? null,
        ...(input.issuedAt ? { issuedAt: input.issuedAt } : {}),
        expiresAt: input.expiresAt ?? null,
        createdBy: caller.actor.id ?? null,
        metadata: { source: "recorded" },
      })
      .returning(publicCredentialColumns);
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "credential.recorded",
      target: { kind: "credential", id: cred.id },
      agentId: agent.id,
      detail: {
        kind: cred.kind,
        name: cred.name,
        agent: agent.name,
        connector: connector?.name ?? null,
        scope: cred.scope,
        prefix: cred.prefix,
        issuedAt: cred.issuedAt.toISOString(),
        expiresAt: cred.expiresAt?.toISOString() ?? null,
      },
    });
    return cred;
  });
}
