import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DatabaseHandle } from "../../lib/db/client";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { setAgentStatus } from "../../lib/services/agents/set-status";
import { updateAgent } from "../../lib/services/agents/update";
import { openTestDatabase } from "./db";

const system = { actor: { kind: "system" as const, label: "test" } };

// A decision batch takes the audit chain's lock and then inserts its escalations, whose foreign
// key share-locks the agent's row (FOR KEY SHARE). A person's change to an agent locks that row
// and then appends to the chain. If the person's lock blocked the share lock, each would wait for
// the other: Postgres would abort one after a second (seen in the demo: a key issued while the
// fleet's escalations were being written). So while a person's change to an agent is open, the
// row must still take a key-share lock at once. Postgres only: PGlite has one connection.
describe("lock order between people's changes to an agent and decision batches (postgres)", () => {
  let h: DatabaseHandle;
  let agentId: string;

  beforeAll(async () => {
    h = await openTestDatabase("postgres");
    const a = await createAgent(h.db, system, { name: "lock-bot", identityKind: "key", team: "t", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } });
    agentId = a!.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Runs `change` in a transaction left open, and meanwhile asks for the row as a batch's foreign key check would. */
  async function keyShareWhileOpen(change: (tx: Db) => Promise<unknown>) {
    let probe: unknown;
    await h.db
      .transaction(async (tx) => {
        await change(tx as unknown as Db);
        // Another connection from the pool, while this transaction still holds its locks.
        probe = await h.db.execute(sql`select id from agents where id = ${agentId} for key share nowait`).then(
          (r) => (r as { rows: unknown[] }).rows.length,
          (e: { cause?: { code?: string }; code?: string }) => `refused: ${e.cause?.code ?? e.code}`,
        );
        throw new Error("roll back");
      })
      .catch((e: Error) => {
        if (e.message !== "roll back") throw e;
      });
    return probe;
  }

  it("issuing a key", async () => {
    expect(await keyShareWhileOpen((tx) => issueAgentKey(tx, system, agentId, { name: "k", expiresInDays: 1 }))).toBe(1);
  });

  it("editing the agent", async () => {
    expect(await keyShareWhileOpen((tx) => updateAgent(tx, system, agentId, { purpose: "changed" }))).toBe(1);
  });

  it("quarantining the agent", async () => {
    expect(await keyShareWhileOpen((tx) => setAgentStatus(tx, system, agentId, "quarantined", "test"))).toBe(1);
  });

  it("the probe does see a lock that would deadlock (FOR UPDATE), so the checks above can fail", async () => {
    expect(await keyShareWhileOpen((tx) => tx.execute(sql`select id from agents where id = ${agentId} for update`))).toBe("refused: 55P03");
  });
});
