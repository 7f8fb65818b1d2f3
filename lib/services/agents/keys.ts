import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import { newSecret } from "@/lib/auth/secrets";
import type { Db } from "@/lib/db/client";
import { agents, credentials } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";

/**
 * Issues an agent's bootstrap key. The plaintext is returned here once and exists nowhere
 * else: only its SHA-256 and a short display prefix are stored.
 */
export async function issueAgentKey(db: Db, caller: Caller, agentId: string, opts: { name: string; expiresInDays: number | null }) {
  const secret = newSecret("ak");
  const credential = await db.transaction(async (tx) => {
    // NO KEY UPDATE, not UPDATE: it still serialises changes to this agent, but lets a decision
    // batch that holds the audit chain's lock insert an escalation, whose foreign key
    // share-locks this row. With UPDATE each waited for the other: a deadlock.
    const [agent] = await tx.select().from(agents).where(eq(agents.id, agentId)).for("no key update");
    if (!agent) throw notFound("Agent");
    if (agent.status !== "active") throw new DomainError("conflict", `Cannot issue a key to a ${agent.status} agent`);
    const expiresAt = opts.expiresInDays ? new Date(Date.now() + opts.expiresInDays * 86_400_000) : null;
    const [cred] = await tx
      .insert(credentials)
      .values({
        kind: "bootstrap_key",
        name: opts.name,
        agentId,
        jit: false,
        secretHash: secret.hash,
        prefix: secret.prefix,
        expiresAt,
        createdBy: caller.actor.id ?? null,
        scope: { operations: ["warden:sessions.*", "warden:authorize.*"] },
      })
      .returning({
        id: credentials.id,
        name: credentials.name,
        prefix: credentials.prefix,
        issuedAt: credentials.issuedAt,
        expiresAt: credentials.expiresAt,
      });
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "credential.issued",
      target: { kind: "credential", id: cred.id },
      agentId,
      detail: { kind: "bootstrap_key", prefix: cred.prefix, expiresAt: cred.expiresAt?.toISOString() ?? null },
    });
    return cred;
  });
  return { ...credential, secret: secret.token };
}
