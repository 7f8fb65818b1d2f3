import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { asc, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sequencePass } from "../../lib/audit/log/sequencer";
import { overTiles } from "../../lib/audit/log/store";
import { consistencyProof, leafHash, memoryTree, rootHash, verifyConsistency } from "../../lib/audit/log/merkle";
import { generateSigner, parseCheckpoint, parseNote, signedBy } from "../../lib/audit/log/note";
import { recordAuditMany } from "../../lib/audit/record";
import { auditEvents } from "../../lib/db/schema";
import type { AuditLog } from "../../lib/services/audit-log/open";
import { checkpointNow } from "../../lib/services/audit-log/checkpoint";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";

const events = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ actor: { kind: "system" as const, label: "test" }, action: "test.event", detail: { tag, i } }));

/** The leaves as the design defines them, recomputed from audit_events in seq order. */
async function leavesFromEvents(h: TestDatabase) {
  const rows = await h.db.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(asc(auditEvents.seq));
  return rows.map((r) => leafHash(Buffer.from(r.hash, "hex")));
}

async function sequenceAll(h: TestDatabase, batch = 10_000) {
  for (;;) {
    const r = await sequencePass(h.db, batch);
    if (r.busy) throw new Error("busy");
    if (r.broken) return r;
    if (r.appended === 0) return r;
  }
}

describe.each(DB_KINDS)("the verifiable audit log on %s", (kind) => {
  let h: TestDatabase;
  let log: AuditLog;
  let witnessDir: string;

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    witnessDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-witness-"));
    log = { db: h.db, signer: generateSigner("warden.test/audit", randomBytes(32)), witnessDir, clock: h.clock };
  });
  afterAll(async () => {
    await h?.close();
    fs.rmSync(witnessDir, { recursive: true, force: true });
  });

  it("sequences events into tiles whose root is the tree over the events' chain hashes", async () => {
    await recordAuditMany(h.db, events(256 * 3 + 77, "a"));
    // Passes of 300 cross tile boundaries mid-pass and leave a partial last tile.
    const r = await sequenceAll(h, 300);
    const leaves = await leavesFromEvents(h);
    expect(r).toMatchObject({ busy: false, broken: null, size: leaves.length });
    expect(leaves.length).toBeGreaterThan(256 * 3);
    const stored = await overTiles(h.db, (t) => rootHash(t, leaves.length));
    expect(stored.equals(rootHash(memoryTree(leaves), leaves.length))).toBe(true);
    expect((await sequencePass(h.db)).busy === false && (await sequencePass(h.db))).toMatchObject({ appended: 0 });
  });

  it("signs checkpoints that verify, are witnessed, and extend each other", async () => {
    const first = await checkpointNow(log);
    expect(first.kind).toBe("signed");
    if (first.kind !== "signed") return;
    const note = parseNote(first.checkpoint.note);
    expect(signedBy(note, log.signer)).toBe(true);
    const c1 = parseCheckpoint(note.text);
    expect(c1.origin).toBe("warden.test/audit");
    expect(c1.extensions[0]).toMatch(/^time \d+$/);
    const witnessed = fs.readdirSync(witnessDir).sort();
    expect(witnessed).toContain(`checkpoint-${String(c1.size).padStart(20, "0")}.note`);
    expect(fs.readFileSync(path.join(witnessDir, "keys", `${log.signer.keyId}.pub`), "utf8").trim()).toBe(log.signer.text);
    expect((await checkpointNow(log)).kind).toBe("unchanged");

    await recordAuditMany(h.db, events(300, "b"));
    const second = await checkpointNow(log); // sequences first
    expect(second.kind).toBe("signed");
    if (second.kind !== "signed") return;
    const c2 = parseCheckpoint(parseNote(second.checkpoint.note).text);
    expect(c2.size).toBe((await leavesFromEvents(h)).length);
    const proof = await overTiles(h.db, (t) => consistencyProof(t, c1.size, c2.size));
    expect(verifyConsistency(c1.size, c2.size, proof, c1.root, c2.root)).toBe(true);
  });
});
