import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointText, cosignatureVerifier, cosignedAt, generateSigner, parseNote, signNote, type Signer } from "../../lib/audit/log/note";
import { recordAuditMany } from "../../lib/audit/record";
import { openDatabase, rows, type DatabaseHandle } from "../../lib/db/client";
import { TestClock } from "../../lib/clock";
import type { AuditLog } from "../../lib/services/audit-log/open";
import { httpWitnesses } from "../../lib/services/audit-log/open";
import { checkpointNow, type CheckpointRun } from "../../lib/services/audit-log/checkpoint";
import { auditLogStatus } from "../../lib/services/audit-log/status";
import { addCheckpoint, openWitness } from "../../lib/services/witness/add-checkpoint";
import { addCheckpointBody } from "../../lib/audit/log/witness-protocol";
import { WitnessServer } from "./witness-server";
import { startEvidenceBundle } from "../../lib/services/audit-log/bundle";
import { inject } from "vitest";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";

const CLI = path.join(__dirname, "../../sdk/audit/warden-audit.mjs");
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "verify", ...args], { encoding: "utf8", timeout: 60_000, env: { ...process.env, FORCE_COLOR: "0" } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

// The HTTP witness end to end (c2sp.org/tlog-witness): a log on the database under test sends
// its checkpoints over real HTTP to a witness that keeps its state in a database of its own (as
// another Warden would), and every way the log can go wrong is caught by the witness alone —
// no witness folder here.

const events = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ actor: { kind: "system" as const, label: "test" }, action: "test.event", detail: { tag, i } }));

const outcome = (r: CheckpointRun) => r.witnesses[0]?.outcome;

describe.each(DB_KINDS)("an HTTP witness for the audit log on %s", (kind) => {
  let h: TestDatabase;
  let witnessDb: DatabaseHandle;
  let logSigner: Signer;
  let witnessSigner: Signer;
  let server: WitnessServer;
  let log: AuditLog;
  let tmp: string;
  const databaseUrl = async () => {
    const [{ db }] = await q<{ db: string }>(h.db, sql`select current_database() as db`);
    const u = new URL(inject("pgTemplateUrl"));
    u.pathname = `/${db}`;
    return u.toString();
  };
  const q = async <T,>(db: DatabaseHandle["db"], query: ReturnType<typeof sql>) => rows<T>(await db.execute(query));
  const findings = (k: string, status = "open") => q<{ severity: string; title: string; detail: Record<string, unknown> }>(h.db, sql`select severity, title, detail from findings where kind = ${k} and status = ${status}`);
  const auditActions = async (action: string) => (await q<{ detail: Record<string, unknown> }>(h.db, sql`select detail from audit_events where action = ${action} order by seq`)).map((r) => r.detail);

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "warden-witness-http-"));
    // The witness's own database: another server's, out of the log administrator's reach.
    witnessDb = await openDatabase({ kind: "pglite", dataDir: null });
    logSigner = generateSigner("warden.test/audit", randomBytes(32));
    witnessSigner = generateSigner("witness.test/w1", randomBytes(32));
    const witness = openWitness(witnessDb.db, new TestClock(), { WARDEN_WITNESS_SIGNING_KEY: witnessSigner.secretText, WARDEN_WITNESS_NAME: "witness.test/w1", WARDEN_WITNESS_LOG_KEYS: logSigner.text });
    server = new WitnessServer(witness);
    await server.start();
    // Configured as an operator would: the URL and the key the witness publishes.
    const witnesses = httpWitnesses({ WARDEN_WITNESS_URL: server.url, WARDEN_WITNESS_KEY: cosignatureVerifier(witnessSigner).text });
    log = { db: h.db, signer: logSigner, witnessDir: null, witnesses, clock: h.clock };
  });
  afterAll(async () => {
    await server?.stop();
    await witnessDb?.close();
    await h?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("gets each new checkpoint cosigned, from old size 0 and then with a consistency proof", async () => {
    await recordAuditMany(h.db, events(300, "a"));
    const first = await checkpointNow(log);
    expect(first.kind).toBe("signed");
    expect(outcome(first)).toMatchObject({ kind: "cosigned" });
    await recordAuditMany(h.db, events(450, "b"));
    const second = await checkpointNow(log);
    expect(second.kind === "signed" && second.checkpoint.size).toBeGreaterThan(first.kind === "signed" ? first.checkpoint.size : 0);
    expect(outcome(second)).toMatchObject({ kind: "cosigned" });
    if (second.kind !== "signed") return;
    // The kept cosignature verifies with the witness's key on the checkpoint's note.
    const [kept] = await q<{ signature: string; size: number }>(h.db, sql`select signature, size from audit_witness_cosignatures order by size desc limit 1`);
    expect(Number(kept.size)).toBe(second.checkpoint.size);
    expect(cosignedAt(parseNote(`${second.checkpoint.note}${kept.signature}\n`), witnessSigner)).toBeGreaterThan(0);
    // The witness holds the same view.
    const [held] = await q<{ size: number; root: Uint8Array }>(witnessDb.db, sql`select size, root from witnessed_logs`);
    expect(Number(held.size)).toBe(second.checkpoint.size);
    expect(Buffer.from(held.root).equals(second.checkpoint.root)).toBe(true);
    // Nothing new: no request at all.
    expect(outcome(await checkpointNow(log))).toMatchObject({ kind: "current" });
    const status = await auditLogStatus(log);
    expect(status.witness.http).toEqual([expect.objectContaining({ url: server.url, name: "witness.test/w1", cosignedSize: second.checkpoint.size })]);
    expect(status.gaps).toEqual([]);
  });

  it("puts the cosignatures in evidence bundles and the database, where warden-audit --witness-key checks them", async () => {
    const keyFile = path.join(tmp, "witness.pub");
    fs.writeFileSync(keyFile, `${cosignatureVerifier(witnessSigner).text}\n`);
    const logKey = path.join(tmp, "log.pub");
    fs.writeFileSync(logKey, `${logSigner.text}\n`);
    const b = await startEvidenceBundle(log, { person: { id: "00000000-0000-4000-8000-000000000001", email: "auditor@example.com" } });
    const bundle = path.join(tmp, "bundle.ndjson");
    fs.writeFileSync(bundle, await new Response(b.stream).text());
    const ok = cli(bundle, "--public-key", logKey, "--witness-key", keyFile);
    expect(ok.out).toMatch(/^intact: .*cosigned by witness\.test\/w1 up to [\d,]+ events/m);
    expect(ok.code).toBe(0);
    if (kind === "postgres") {
      const viaDb = cli("--database-url", await databaseUrl(), "--public-key", logKey, "--witness-key", keyFile);
      expect(viaDb.out).toMatch(/^intact: .*cosigned by witness\.test\/w1/m);
      expect(viaDb.code).toBe(0);
    }
    // A witness that cosigned nothing here, and a cosignature changed in the file: both fail.
    const stranger = path.join(tmp, "stranger.pub");
    fs.writeFileSync(stranger, `${cosignatureVerifier(generateSigner("witness.test/w9", randomBytes(32))).text}\n`);
    const none = cli(bundle, "--public-key", logKey, "--witness-key", stranger);
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/no checkpoint is cosigned by the witness witness\.test\/w9/);
    const lines = fs.readFileSync(bundle, "utf8").split("\n");
    const at = lines.findLastIndex((l) => l.includes("\u2014 witness.test/w1 ") || l.includes("\\u2014 witness.test/w1 "));
    expect(at).toBeGreaterThan(0);
    const cp = JSON.parse(lines[at]) as { checkpoint: string };
    const sigLine = cp.checkpoint.split("\n").find((l) => l.startsWith("\u2014 witness.test/w1 "))!;
    const raw = Buffer.from(sigLine.split(" ")[2], "base64");
    raw[raw.length - 1] ^= 1;
    lines[at] = JSON.stringify({ checkpoint: cp.checkpoint.replace(sigLine, `\u2014 witness.test/w1 ${raw.toString("base64")}`) });
    const forged = path.join(tmp, "forged.ndjson");
    fs.writeFileSync(forged, lines.join("\n"));
    const bad = cli(forged, "--public-key", logKey, "--witness-key", keyFile);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/the cosignature of the witness witness\.test\/w1 on the checkpoint of size [\d,]+ .* does not verify/);
  });

  it("records one gap while the witness is down, keeps signing, and catches up by itself", async () => {
    await server.stop();
    await recordAuditMany(h.db, events(20, "down-1"));
    const a = await checkpointNow(log);
    expect(a.kind).toBe("signed");
    expect(outcome(a)).toMatchObject({ kind: "unreachable" });
    await recordAuditMany(h.db, events(20, "down-2"));
    const b = await checkpointNow(log);
    expect(b.kind).toBe("signed");
    expect(outcome(b)).toMatchObject({ kind: "unreachable" });
    // One gap record and one open finding, however many checkpoints it misses.
    const gaps = await auditActions("audit.witness_unreachable");
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ witness: server.url, kind: "http", size: a.kind === "signed" ? a.checkpoint.size : -1 });
    const [open] = await findings("audit_witness_unreachable");
    expect(open).toMatchObject({ severity: "high" });
    expect((await auditLogStatus(log)).gaps.join(" ")).toMatch(/has cosigned up to \d+, not the latest/);

    await server.start();
    // Nothing new was written: the next tick still brings the witness up to the newest checkpoint.
    const c = await checkpointNow(log);
    expect(c.kind).toBe("unchanged");
    expect(outcome(c)).toMatchObject({ kind: "cosigned", size: b.kind === "signed" ? b.checkpoint.size : -1 });
    expect(await findings("audit_witness_unreachable")).toHaveLength(0);
    expect(await findings("audit_witness_unreachable", "resolved")).toHaveLength(1);
    const [caughtUp] = await auditActions("audit.witness_caught_up");
    expect(caughtUp).toMatchObject({ witness: server.url, firstMissedSize: a.kind === "signed" ? a.checkpoint.size : -1, size: b.kind === "signed" ? b.checkpoint.size : -1 });
  });

  it("resumes from the witness's size when the kept cosignatures are lost (409 with its size)", async () => {
    await h.db.execute(sql`alter table audit_witness_cosignatures disable trigger all`);
    await h.db.execute(sql`delete from audit_witness_cosignatures`);
    await h.db.execute(sql`alter table audit_witness_cosignatures enable trigger all`);
    await recordAuditMany(h.db, events(30, "resync"));
    const r = await checkpointNow(log);
    expect(outcome(r)).toMatchObject({ kind: "cosigned" });
  });

  it("reports a witness that does not witness this log (404) as a gap, without blocking the checkpoint", async () => {
    const otherKey = generateSigner("witness.test/w2", randomBytes(32));
    const other = new WitnessServer(openWitness(witnessDb.db, new TestClock(), { WARDEN_WITNESS_SIGNING_KEY: otherKey.secretText, WARDEN_WITNESS_NAME: "witness.test/w2" }));
    await other.start();
    try {
      const withOther: AuditLog = { ...log, witnesses: httpWitnesses({ WARDEN_WITNESS_URL: other.url, WARDEN_WITNESS_KEY: cosignatureVerifier(otherKey).text }) };
      await recordAuditMany(h.db, events(5, "other"));
      const r = await checkpointNow(withOther);
      expect(r.kind).toBe("signed");
      expect(outcome(r)).toMatchObject({ kind: "refused", status: 404 });
      const [f] = (await findings("audit_witness_unreachable")).filter((x) => x.detail.witness === other.url);
      expect(f.detail.error).toMatch(/404.*does not witness the log "warden.test\/audit"/);
    } finally {
      await other.stop();
    }
  });

  it("is told apart from a log restored from an older backup: the witness refuses, and the log raises audit_log_rolled_back", async () => {
    const [{ witnessed }] = await q<{ witnessed: number }>(witnessDb.db, sql`select size::int as witnessed from witnessed_logs`);
    // A whole-database restore, as the table owner can: events, tiles, checkpoints and the kept
    // cosignatures all go back to an earlier state. Only the witness, elsewhere, remembers.
    const keep = 200;
    for (const t of ["audit_events", "audit_checkpoints", "audit_witness_cosignatures"]) await h.db.execute(sql.raw(`alter table ${t} disable trigger all`));
    await h.db.execute(sql`delete from audit_events where seq > (select seq from audit_events order by seq offset ${keep - 1} limit 1)`);
    await h.db.execute(sql`delete from audit_checkpoints`);
    await h.db.execute(sql`delete from audit_witness_cosignatures`);
    await h.db.execute(sql`delete from audit_log_tiles`);
    await h.db.execute(sql`update audit_log_state set size = 0, last_seq = 0, last_hash = repeat('0', 64)`);
    for (const t of ["audit_events", "audit_checkpoints", "audit_witness_cosignatures"]) await h.db.execute(sql.raw(`alter table ${t} disable trigger all`.replace("disable", "enable")));

    // The restored log goes on: a few new events, a checkpoint its own tables find consistent.
    await recordAuditMany(h.db, events(10, "after-restore"));
    const shorter = await checkpointNow(log);
    expect(shorter.kind).toBe("signed");
    expect(outcome(shorter)).toMatchObject({ kind: "inconsistent", witnessSize: witnessed });
    const [f] = await findings("audit_log_rolled_back");
    expect(f).toMatchObject({ severity: "critical" });
    expect(f.title).toContain(server.url);

    // Grown past the witnessed size with other events: the witness checks the consistency proof
    // from its size and refuses it (422), and keeps the offending checkpoint as evidence.
    await recordAuditMany(h.db, events(witnessed, "rewrite"));
    const rewritten = await checkpointNow(log);
    expect(outcome(rewritten)).toMatchObject({ kind: "inconsistent", witnessSize: null });
    expect((outcome(rewritten) as { error: string }).error).toMatch(/422/);
    const evidence = await q<{ severity: string; detail: { cosignedSize: number; presentedNote: string } }>(witnessDb.db, sql`select severity, detail from findings where kind = 'witnessed_log_inconsistent'`);
    expect(evidence).toEqual([expect.objectContaining({ severity: "critical", detail: expect.objectContaining({ cosignedSize: witnessed }) })]);
    // The witness did not move: it still holds the size it cosigned before the restore.
    const [{ still }] = await q<{ still: number }>(witnessDb.db, sql`select size::int as still from witnessed_logs`);
    expect(still).toBe(witnessed);
  });

  it("answers exactly one of two racing first submissions for a log, the other with 409 and the winner's size", async () => {
    // The witness's state in the database under test (Postgres: two transactions really race).
    const racer = generateSigner("race.test/log", randomBytes(32));
    const w = openWitness(h.db, new TestClock(), { WARDEN_WITNESS_SIGNING_KEY: witnessSigner.secretText, WARDEN_WITNESS_NAME: "witness.test/w1", WARDEN_WITNESS_LOG_KEYS: racer.text });
    const body = (size: number) => addCheckpointBody({ old: 0, proof: [], note: signNote(checkpointText({ origin: racer.name, size, root: randomBytes(32), extensions: [] }), [racer]) });
    const answers = await Promise.all([addCheckpoint(w, body(5)), addCheckpoint(w, body(7))]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const [{ size }] = await q<{ size: string }>(h.db, sql`select size::text from witnessed_logs where origin = ${racer.name}`);
    const loser = answers.find((a) => a.status === 409)!;
    expect(loser).toMatchObject({ body: `${size}\n`, contentType: "text/x.tlog.size" });
  });

  it("refuses bad witness configuration at start, naming the variable", () => {
    expect(() => httpWitnesses({ WARDEN_WITNESS_URL: "http://127.0.0.1:1/witness" })).toThrow(/one key per witness/);
    expect(() => httpWitnesses({ WARDEN_WITNESS_URL: "ftp://x", WARDEN_WITNESS_KEY: cosignatureVerifier(witnessSigner).text })).toThrow(/not an http/);
    expect(() => httpWitnesses({ WARDEN_WITNESS_URL: server.url, WARDEN_WITNESS_KEY: "garbage" })).toThrow(/WARDEN_WITNESS_KEY, key 1/);
    // And as a witness: a log key that does not parse, or a witness key named otherwise.
    expect(() => openWitness(h.db, new TestClock(), { WARDEN_WITNESS_SIGNING_KEY: witnessSigner.secretText, WARDEN_WITNESS_NAME: "witness.test/w1", WARDEN_WITNESS_LOG_KEYS: `${logSigner.text}, garbage` })).toThrow(/WARDEN_WITNESS_LOG_KEYS, key 2/);
    expect(() => openWitness(h.db, new TestClock(), { WARDEN_WITNESS_SIGNING_KEY: witnessSigner.secretText })).toThrow(/WARDEN_WITNESS_NAME/);
  });
});
