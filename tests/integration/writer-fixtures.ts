import { randomUUID } from "node:crypto";
import type { Db } from "../../lib/db/client";
import { agents, credentials, sessions } from "../../lib/db/schema";

/** An agent with an open session and a bootstrap key: what a decision batch refers to. */
export async function writerFixtures(db: Db, name = `bot-${randomUUID().slice(0, 8)}`): Promise<{ agentId: string; sessionId: string; credentialId: string }> {
  const [a] = await db
    .insert(agents)
    .values({ name, identity: `spiffe://t/${name}`, identityKind: "spiffe", team: "t", riskTier: "low", envelope: { actions: ["*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } })
    .returning();
  const [s] = await db
    .insert(sessions)
    .values({ agentId: a.id, status: "active", goal: "g", intent: { goal: "g", actions: ["*"], maxSensitivity: "internal", ttlSeconds: 3600 }, expiresAt: new Date(Date.now() + 3600_000) })
    .returning();
  const [c] = await db.insert(credentials).values({ kind: "bootstrap_key", name: "k", agentId: a.id, secretHash: randomUUID().replace(/-/g, "").repeat(2) }).returning();
  return { agentId: a.id, sessionId: s.id, credentialId: c.id };
}
