import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { expect, inject, it } from "vitest";
import { GroupWriter } from "../../lib/audit/group-writer";
import { recordAudit } from "../../lib/audit/record";
import { verifyAuditChain } from "../../lib/audit/verify";
import { openDatabase, ping } from "../../lib/db/client";
import { writerFixtures } from "./writer-fixtures";

// Startup migrates under an advisory lock. With WARDEN_DB_POOL_SIZE=1 the lock must not take the
// pool's only connection, or the migrations would wait for it forever.
/** An empty database (not the run's migrated template), dropped after `fn` whatever happens. */
async function withEmptyDatabase(prefix: string, fn: (url: string) => Promise<void>) {
  const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await admin.connect();
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(inject("pgAdminUrl"));
    url.pathname = `/${name}`;
    await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

it("opens and migrates a fresh Postgres database with a pool of one connection", () =>
  withEmptyDatabase("warden_open", async (url) => {
    const h = await Promise.race([
      openDatabase({ kind: "postgres", url, poolSize: 1 }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("openDatabase did not finish in 30 s")), 30_000)),
    ]);
    expect(await ping(h.db)).toBe(true);
    await h.close();
  }), 40_000);

// The decision writer holds a connection between batches; on a pool of one it must give it back
// whenever anything else needs it (a person's audited change, the writer's own two-step path).
it("decides, records people's changes and recovers the chain head on a pool of one connection", () =>
  withEmptyDatabase("warden_pool1", async (url) => {
    const h = await openDatabase({ kind: "postgres", url, poolSize: 1 });
    const { agentId, sessionId } = await writerFixtures(h.db);
    const w = new GroupWriter(h.db);
    const submission = () => {
      const id = randomUUID();
      return {
        decision: { id, sessionId, agentId, connector: "github", tool: "issues", operation: "read", outcome: "allow" as const, reasons: [], createdAt: new Date() },
        audit: { actor: { kind: "agent" as const, id: agentId, label: "bot" }, action: "decision.allow", target: { kind: "decision", id }, agentId, sessionId },
      };
    };
    const work = (async () => {
      await w.submit(submission()); // two-step: learns the head
      await Promise.all(Array.from({ length: 30 }, () => w.submit(submission()))); // one trip, held connection
      await recordAudit(h.db, { actor: { kind: "person", id: randomUUID(), label: "p@x" }, action: "agent.updated", agentId });
      await w.submit(submission()); // head moved: refused, then two-step
      expect(await ping(h.db)).toBe(true);
    })();
    await Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("stalled on a pool of one")), 15_000))]);
    expect(w.stats).toMatchObject({ twoStep: 2, refused: 1 });
    expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true, events: 33 });
    await h.close();
  }), 30_000);
