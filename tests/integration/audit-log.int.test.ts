import { NextRequest } from "next/server";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { asc, sql } from "drizzle-orm";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sequencePass } from "../../lib/audit/log/sequencer";
import { overTiles } from "../../lib/audit/log/store";
import { consistencyProof, leafHash, memoryTree, rootHash, verifyConsistency } from "../../lib/audit/log/merkle";
import { generateSigner, parseCheckpoint, parseNote, signedBy } from "../../lib/audit/log/note";
import { recordAuditMany } from "../../lib/audit/record";
import { auditEvents } from "../../lib/db/schema";
import type { AuditLog } from "../../lib/services/audit-log/open";
import { checkpointNow } from "../../lib/services/audit-log/checkpoint";
import { auditLogStatus } from "../../lib/services/audit-log/status";
import { runSequencer } from "../../lib/services/audit-log/sequence";
import * as bundleRoute from "../../app/api/v1/audit/bundle/route";
import * as proofRoute from "../../app/api/v1/audit/[id]/proof/route";
import * as latestRoute from "../../app/api/v1/audit/checkpoints/latest/route";
import { rows } from "../../lib/db/client";
import { checkpointText, signNote } from "../../lib/audit/log/note";
import { verifyInclusion } from "../../lib/audit/log/merkle";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const H = (x: unknown) => x as RouteHandler;
const call = routeCaller(() => {});
const openFindings = async (h: TestDatabase, kind: string) =>
  rows<{ severity: string; detail: Record<string, unknown> }>(await h.db.execute(sql`select severity, detail from findings where kind = ${kind} and status = 'open'`));

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
    log = { db: h.db, signer: generateSigner("warden.test/audit", randomBytes(32)), witnessDir, witnesses: [], clock: h.clock };
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

  it("serves inclusion proofs to readers of the audit log only", async () => {
    const auditor = (await personWithToken(h.db, `auditor-${kind}@warden.test`, "auditor")).token;
    const approver = (await personWithToken(h.db, `approver-${kind}@warden.test`, "approver")).token;
    const [e] = await h.db.select({ id: auditEvents.id, hash: auditEvents.hash }).from(auditEvents).orderBy(asc(auditEvents.seq)).offset(300).limit(1);
    const get = (id: string, token?: string) => call(H(proofRoute.GET), { token, path: `/api/v1/audit/${id}/proof`, params: { id } });
    const ok = await get(e.id, auditor);
    expect(ok.status).toBe(200);
    const b = ok.body as { leafIndex: number; treeSize: number; checkpoint: string; leafHash: string; proof: string[] };
    expect(b.leafIndex).toBe(300);
    expect(b.leafHash).toBe(leafHash(Buffer.from(e.hash, "hex")).toString("base64"));
    const note = parseNote(b.checkpoint);
    expect(signedBy(note, log.signer)).toBe(true);
    const c = parseCheckpoint(note.text);
    expect(c.size).toBe(b.treeSize);
    const proof = b.proof.map((p) => Buffer.from(p, "base64"));
    expect(verifyInclusion(Buffer.from(b.leafHash, "base64"), b.leafIndex, b.treeSize, proof, c.root)).toBe(true);
    expect(verifyInclusion(Buffer.from(b.leafHash, "base64"), b.leafIndex + 1, b.treeSize, proof, c.root)).toBe(false);

    expect((await get(e.id)).status).toBe(401);
    expect((await get(e.id, approver)).status).toBe(403);
    expect((await get("0190a0b0-0000-7000-8000-000000000000", auditor)).status).toBe(404);
    expect((await get("not-a-uuid", auditor)).status).toBe(404);
    // An event written after the newest checkpoint has no proof yet: 409, not a wrong answer.
    const [{ id: fresh }] = rows<{ id: string }>(await h.db.execute(sql`select id from audit_events order by seq desc limit 1`));
    const late = await get(fresh, auditor);
    expect([200, 409]).toContain(late.status);
    await recordAuditMany(h.db, events(1, "late"));
    const [{ id: newest }] = rows<{ id: string }>(await h.db.execute(sql`select id from audit_events order by seq desc limit 1`));
    const pending = await get(newest, auditor);
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe("not_yet_checkpointed");

    const status = await call(H(latestRoute.GET), { token: auditor, path: "/api/v1/audit/checkpoints/latest" });
    expect(status.status).toBe(200);
    expect((await call(H(latestRoute.GET), { path: "/api/v1/audit/checkpoints/latest" })).status).toBe(401);
  });

  it("reports the latest checkpoint, who signed it, where it is witnessed and the lag", async () => {
    await runSequencer(h.db, new Date());
    const s = await auditLogStatus(log);
    expect(s.latest).toMatchObject({ keyId: log.signer.keyId, trusted: true, problem: null });
    expect(s.witness).toMatchObject({ folder: witnessDir, newestSize: s.latest!.size });
    expect(s.lag.events).toBeGreaterThan(0);
    expect(s.gaps).toEqual([]);
    // A fresh install with no witness still signs, and says what is not witnessed.
    const bare = await auditLogStatus({ ...log, witnessDir: null });
    expect(bare.gaps.join(" ")).toMatch(/No witness is configured/);
  });

  it("keeps the signing key out of every table", async () => {
    const seed = Buffer.from(log.signer.secretText.split("+").slice(4).join("+"), "base64").subarray(1);
    const needles = [seed.toString("base64"), seed.toString("hex"), log.signer.secretText.split("+").slice(4).join("+")];
    const cols = rows<{ table_name: string; column_name: string; data_type: string }>(
      await h.db.execute(sql`select table_name, column_name, data_type from information_schema.columns
        where table_schema = 'public' and data_type in ('text', 'bytea', 'jsonb', 'json', 'character varying', 'ARRAY')`),
    );
    expect(cols.length).toBeGreaterThan(10);
    for (const c of cols) {
      const expr = c.data_type === "bytea" ? sql.raw(`encode("${c.column_name}", 'hex') || ' ' || encode("${c.column_name}", 'base64')`) : sql.raw(`"${c.column_name}"::text`);
      const found = rows<{ v: string | null }>(await h.db.execute(sql`select ${expr} as v from ${sql.raw(`"${c.table_name}"`)}`));
      for (const r of found) for (const n of needles) expect(r.v?.replace(/\n/g, "").includes(n) ?? false, `${c.table_name}.${c.column_name}`).toBe(false);
    }
    // While the bytes it signs with do sign every checkpoint: the key is in use, just not stored.
    expect(rows(await h.db.execute(sql`select 1 from audit_checkpoints`)).length).toBeGreaterThan(0);
    if (kind === "postgres") {
      // And as an administrator's backup would hold it: a plain pg_dump of the whole database.
      const [{ db }] = rows<{ db: string }>(await h.db.execute(sql`select current_database() as db`));
      const u = new URL(inject("pgTemplateUrl"));
      u.pathname = `/${db}`;
      const dump = execFileSync("/usr/lib/postgresql/15/bin/pg_dump", ["--no-owner", "-d", u.toString()], { maxBuffer: 1 << 30 }).toString("utf8");
      expect(dump).toContain("audit_checkpoints");
      for (const n of needles) expect(dump.replace(/\n/g, "").includes(n), `pg_dump holds ${n.slice(0, 6)}…`).toBe(false);
    }
  });

  it("does not trust a checkpoint signed by another key", async () => {
    const other = generateSigner("warden.test/audit", randomBytes(32));
    const size = (await auditLogStatus(log)).tree.size;
    const root = await overTiles(h.db, (t) => rootHash(t, size));
    const note = signNote(checkpointText({ origin: other.name, size, root, extensions: [] }), [other]);
    await h.db.execute(sql`insert into audit_checkpoints (size, root, note, key_id) values (${size}, ${root}, ${note}, ${other.keyId})`);
    const s = await auditLogStatus(log);
    expect(s.latest).toMatchObject({ size, keyId: other.keyId, trusted: false });
    expect(s.latest!.problem).toMatch(/not signed by a trusted key/);
    expect(s.gaps.join(" ")).toMatch(/not trusted/);
  });

  it("records a gap while the witness folder cannot be written, keeps signing, and closes it when the folder is back", async () => {
    // The folder replaced by a plain file (an unmounted volume does much the same): every write fails.
    const blocked = path.join(witnessDir, "..", `${path.basename(witnessDir)}-blocked`);
    fs.writeFileSync(blocked, "not a folder");
    const gapLog = { ...log, witnessDir: blocked };
    const gapActions = async (action: string) => rows<{ detail: Record<string, unknown> }>(await h.db.execute(sql`select detail from audit_events where action = ${action} and detail->>'witness' = ${blocked}`));
    try {
      await recordAuditMany(h.db, events(5, "gap-1"));
      const a = await checkpointNow(gapLog);
      expect(a.kind).toBe("signed");
      await recordAuditMany(h.db, events(5, "gap-2"));
      expect((await checkpointNow(gapLog)).kind).toBe("signed");
      expect(await gapActions("audit.witness_unreachable")).toHaveLength(1);
      const open = (await openFindings(h, "audit_witness_unreachable")).filter((f) => f.detail.witness === blocked);
      expect(open).toEqual([expect.objectContaining({ severity: "high" })]);
    } finally {
      fs.rmSync(blocked, { force: true });
    }
    await recordAuditMany(h.db, events(5, "gap-3"));
    const back = await checkpointNow(gapLog);
    expect(back.kind === "signed" && back.witnessError).toBeNull();
    expect((await openFindings(h, "audit_witness_unreachable")).filter((f) => f.detail.witness === blocked)).toHaveLength(0);
    expect(await gapActions("audit.witness_caught_up")).toHaveLength(1);
    fs.rmSync(blocked, { recursive: true, force: true });
  });

  it("refuses to sign a log restored from an older backup, and raises audit_log_rolled_back", async () => {
    const before = await checkpointNow(log);
    expect(before.kind).not.toBe("rolled_back");
    // The restore, as the table owner can: triggers off, the tail of the log and the log's own
    // tables taken back to an earlier state (here: empty), the witness folder untouched.
    await h.db.execute(sql`alter table audit_events disable trigger all`);
    await h.db.execute(sql`alter table audit_checkpoints disable trigger all`);
    await h.db.execute(sql`delete from audit_events where seq > (select min(seq) + 99 from audit_events)`);
    await h.db.execute(sql`delete from audit_checkpoints`);
    await h.db.execute(sql`delete from audit_log_tiles`);
    await h.db.execute(sql`update audit_log_state set size = 0, last_seq = 0, last_hash = repeat('0', 64)`);
    await h.db.execute(sql`alter table audit_events enable trigger all`);
    await h.db.execute(sql`alter table audit_checkpoints enable trigger all`);
    const witnessedBefore = fs.readdirSync(witnessDir).length;

    const shorter = await checkpointNow(log);
    expect(shorter.kind).toBe("rolled_back");
    expect((await openFindings(h, "audit_log_rolled_back"))[0]).toMatchObject({ severity: "critical" });
    expect(rows(await h.db.execute(sql`select 1 from audit_checkpoints`))).toHaveLength(0);

    // Rewritten rather than cut: as many events again, but not the ones the witness saw.
    await recordAuditMany(h.db, events(2000, "rewrite"));
    const rewritten = await checkpointNow(log);
    expect(rewritten.kind).toBe("rolled_back");
    if (rewritten.kind === "rolled_back") expect(rewritten.problem).toMatch(/not the ones/);
    expect(fs.readdirSync(witnessDir).length).toBe(witnessedBefore);
  });

  it("stops at a broken link and raises audit_log_broken", async () => {
    await h.db.execute(sql`insert into audit_events (id, occurred_at, actor_kind, actor_label, action, prev_hash, hash)
      values (gen_random_uuid(), now(), 'system', 'forger', 'test.forged', ${"f".repeat(64)}, ${"e".repeat(64)})`);
    const r = await runSequencer(h.db, new Date());
    expect(r.busy === false && r.broken).toMatchObject({ found: "f".repeat(64) });
    const [f] = await openFindings(h, "audit_log_broken");
    expect(f).toMatchObject({ severity: "critical" });
    const again = await runSequencer(h.db, new Date());
    expect(again.busy === false && again.appended).toBe(0);
  });

  it("serves evidence bundles to readers of the audit log only, and refuses a bad period before streaming", async () => {
    await h.rt.memo("audit-log", async () => log); // the route's audit log is this test's
    await checkpointNow(log);
    const auditor = (await personWithToken(h.db, `bundle-auditor-${kind}@warden.test`, "auditor")).token;
    const approver = (await personWithToken(h.db, `bundle-approver-${kind}@warden.test`, "approver")).token;
    const raw = async (query: string, token?: string) => {
      const req = new NextRequest(`http://localhost/api/v1/audit/bundle${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return H(bundleRoute.GET)(req, { params: Promise.resolve({}) });
    };
    expect((await raw("")).status).toBe(401);
    expect((await raw("", approver)).status).toBe(403);
    for (const bad of ["?from=yesterday", "?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z"]) {
      const r = await raw(bad, auditor);
      expect(r.status, bad).toBe(400);
      expect((await r.json()).error.code).toBe("validation_failed");
    }
    const ok = await raw("", auditor);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-disposition")).toMatch(/^attachment; filename=".+"$/);
    const lines = (await ok.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: "warden-audit-bundle/1" });
    expect(lines.some((l) => "event" in l)).toBe(true);
    expect(lines[lines.length - 1]).toHaveProperty("range");
  });

});

describe.each(DB_KINDS)("two sequencers on %s", (kind) => {
  let db2: TestDatabase;
  beforeAll(async () => {
    db2 = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db2?.close();
  });

  it("two instances sequencing in turn build one tree: each starts from the tiles in the database, not its memory of them", async () => {
    // A second Db object over the same database stands for a second instance: the sequencer
    // keeps its open tiles per Db between passes, and must not trust them once another moved on.
    const other = new Proxy(db2.db, {});
    for (const [db, n] of [[db2.db, 200], [other, 333], [db2.db, 90], [db2.db, 300], [other, 5], [db2.db, 256]] as const) {
      await recordAuditMany(db2.db, events(n, "turns"));
      for (;;) {
        const r = await sequencePass(db, 128);
        if (r.busy || r.broken) throw new Error(JSON.stringify(r));
        if (r.appended === 0) break;
      }
    }
    const leaves = await leavesFromEvents(db2);
    const stored = await overTiles(db2.db, (t) => rootHash(t, leaves.length));
    expect(stored.equals(rootHash(memoryTree(leaves), leaves.length))).toBe(true);
  });
});

// Its own database: the file's shared one has a forged link already (the test above), and a
// second test database would take over the process's runtime from the first.
describe.each(DB_KINDS)("the audit log sequencer on %s, against a hand-edited hash", (kind) => {
  let h: TestDatabase;
  beforeAll(async () => {
    h = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("stops at an event whose hash is not a SHA-256 in hex, though it links, and sequences the events before it", async () => {
    await recordAuditMany(h.db, events(2, "before-malformed"));
    const [{ hash: last }] = rows<{ hash: string }>(await h.db.execute(sql`select hash from audit_events order by seq desc limit 1`));
    await h.db.execute(sql`insert into audit_events (id, occurred_at, actor_kind, actor_label, action, prev_hash, hash)
      values (gen_random_uuid(), now(), 'system', 'forger', 'test.forged', ${last}, 'not-a-hash')`);
    const r = await sequencePass(h.db);
    expect(r.busy === false && r.broken).toMatchObject({ found: "not-a-hash", expected: "a SHA-256 in 64 hex digits" });
    const [{ n }] = rows<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from audit_events where seq < (select max(seq) from audit_events)`));
    expect(r.busy === false && r.appended).toBe(n);
    expect(r.busy === false && r.size).toBe(n);
    const [state] = rows<{ size: string; last_hash: string }>(await h.db.execute(sql`select size::text, last_hash from audit_log_state`));
    expect(state).toEqual({ size: String(n), last_hash: last });
  });
});
