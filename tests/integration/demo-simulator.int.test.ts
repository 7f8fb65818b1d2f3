import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../lib/db/client";
import { agents, auditEvents, credentials } from "../../lib/db/schema";
import { retirePreviousKeys, SIMULATOR_KEY_NAME } from "../../lib/demo/simulator";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { revokeCredential } from "../../lib/services/credentials/revoke";
import { DB_KINDS, openTestDatabase } from "./db";

// A demo restarted five times used to leave five live simulator keys on every agent.
describe.each(DB_KINDS)("the demo simulator's keys on %s", (kind) => {
  let h: DatabaseHandle;
  const system = { actor: { kind: "system" as const, label: "demo simulator" } };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
  });
  afterAll(async () => h?.close());

  it("revokes the previous start's keys, with an audit event each, and nothing else", async () => {
    const mk = async (name: string) =>
      (await h.db.insert(agents).values({ name, identity: `key:${name}:${kind}`, identityKind: "key", team: "t", riskTier: "low", envelope: { actions: ["*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } }).returning())[0].id;
    const [a, b] = [await mk("sim-a"), await mk("sim-b")];
    const previous = [
      (await issueAgentKey(h.db, system, a, { name: SIMULATOR_KEY_NAME, expiresInDays: 1 })).id,
      (await issueAgentKey(h.db, system, a, { name: SIMULATOR_KEY_NAME, expiresInDays: 1 })).id,
      (await issueAgentKey(h.db, system, b, { name: SIMULATOR_KEY_NAME, expiresInDays: 1 })).id,
    ];
    const own = (await issueAgentKey(h.db, system, b, { name: "team key", expiresInDays: 30 })).id;
    const earlier = (await issueAgentKey(h.db, system, b, { name: SIMULATOR_KEY_NAME, expiresInDays: 1 })).id;
    await revokeCredential(h.db, { actor: { kind: "system", label: "test" } }, earlier, "revoked by hand earlier");

    expect(await retirePreviousKeys(h.db, system)).toBe(3);

    const rows = await h.db.select().from(credentials).where(eq(credentials.agentId, b));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(own)!.revokedAt).toBeNull(); // another key of the agent's is left alone
    expect(byId.get(earlier)!.revokeReason).toBe("revoked by hand earlier"); // a revocation is never rewritten
    for (const id of previous) {
      const [c] = await h.db.select().from(credentials).where(eq(credentials.id, id));
      expect(c.revokedAt).not.toBeNull();
      expect(c.revokeReason).toBe("replaced by the demo simulator's new keys at its start");
      const events = await h.db.select().from(auditEvents).where(and(eq(auditEvents.action, "credential.revoked"), eq(auditEvents.targetId, id)));
      expect(events).toHaveLength(1);
      expect(events[0].actorLabel).toBe("demo simulator");
    }
    // A second start finds nothing left to retire.
    expect(await retirePreviousKeys(h.db, system)).toBe(0);
  });
});
