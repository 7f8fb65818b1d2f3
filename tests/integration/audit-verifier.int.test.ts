// The offline verifier against real tampering: the log is written and checkpointed by the server's
// own code, then changed the way a database owner could (triggers disabled), and `warden-audit
// verify` — spawned as users run it — must fail and say where. Each case starts from the same
// intact state, restored from copies of the tables and the witness folder. Both commands of
// README "Evidence that holds against the database's administrator" are run this way: a bundle
// with --witness, and --database-url with --witness.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { asc, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { eventHash, GENESIS_HASH } from "../../lib/audit/chain";
import { checkpointText, generateSigner, signNote } from "../../lib/audit/log/note";
import { rootHash } from "../../lib/audit/log/merkle";
import { overTiles } from "../../lib/audit/log/store";
import { recordAuditMany } from "../../lib/audit/record";
import { rows } from "../../lib/db/client";
import { auditEvents } from "../../lib/db/schema";
import { checkpointNow } from "../../lib/services/audit-log/checkpoint";
import { startEvidenceBundle } from "../../lib/services/audit-log/bundle";
import type { AuditLog } from "../../lib/services/audit-log/open";
import { DB_KINDS, openTestDatabase, type TestDatabase } from "./db";

const CLI = path.join(__dirname, "../../sdk/audit/warden-audit.mjs");
const TABLES = ["audit_events", "audit_checkpoints", "audit_log_tiles", "audit_log_state"];
const person = { id: "00000000-0000-4000-8000-000000000001", email: "auditor@example.com" };

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "verify", ...args], { encoding: "utf8", timeout: 60_000, env: { ...process.env, FORCE_COLOR: "0" } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const events = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ actor: { kind: "system" as const, label: "test" }, action: "test.event", detail: { tag, i } }));

describe.each(DB_KINDS)("warden-audit verify on %s", (kind) => {
  let h: TestDatabase;
  let log: AuditLog;
  let witness: string;
  let tmp: string;
  let url = "";
  let seqs: number[] = []; // seq of each leaf
  const witnessFiles: string[] = [];
  const exec = (q: string) => h.db.execute(sql.raw(q));

  /** As the table owner, with the append-only triggers off. */
  async function tamper(...statements: string[]) {
    for (const t of TABLES) await exec(`alter table ${t} disable trigger all`);
    for (const s of statements) await exec(s);
    for (const t of TABLES) await exec(`alter table ${t} enable trigger all`);
  }

  async function bundleFile(name: string) {
    const b = await startEvidenceBundle(log, { person });
    const text = await new Response(b.stream).text();
    const file = path.join(tmp, `${name}.ndjson`);
    fs.writeFileSync(file, text);
    return file;
  }

  const viaDb = () => cli("--database-url", url, "--witness", witness);

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "warden-verifier-"));
    witness = path.join(tmp, "witness");
    log = { db: h.db, signer: generateSigner("warden.test/audit", randomBytes(32)), witnessDir: witness, witnesses: [], clock: h.clock };
    // Three checkpoints: 10, 20 and 30 events (plus whatever the template already holds).
    for (const tag of ["a", "b", "c"]) {
      await recordAuditMany(h.db, events(10, tag));
      expect((await checkpointNow(log)).kind).toBe("signed");
    }
    seqs = (await h.db.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(asc(auditEvents.seq))).map((r) => r.seq);
    for (const t of TABLES) await exec(`create table ${t}_copy as select * from ${t}`);
    witnessFiles.push(...fs.readdirSync(witness));
    if (kind === "postgres") {
      const [{ db }] = rows<{ db: string }>(await exec("select current_database() as db"));
      const u = new URL(inject("pgTemplateUrl"));
      u.pathname = `/${db}`;
      url = u.toString();
    }
  }, 120_000);

  beforeEach(async () => {
    await tamper(...TABLES.flatMap((t) => [`delete from ${t}`, `insert into ${t} select * from ${t}_copy`]));
    for (const f of fs.readdirSync(witness)) if (!witnessFiles.includes(f)) fs.rmSync(path.join(witness, f), { recursive: true });
  });

  afterAll(async () => {
    await h?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const n = () => seqs.length;
  const leafOf = (i: number) => i + n() - 30; // leaf i of the 30 events this test wrote

  it.runIf(kind === "postgres")("an untouched log is intact in database mode", () => {
    const r = viaDb();
    expect(r.out).toMatch(/intact/);
    expect(r.code).toBe(0);
  });

  it("an untouched log is intact in bundle mode, and refuses a key it does not trust", async () => {
    const file = await bundleFile("intact");
    const r = cli(file, "--witness", witness);
    expect(r.out).toMatch(/^intact/m);
    expect(r.code).toBe(0);
    const keyFile = path.join(tmp, "other.pub");
    fs.writeFileSync(keyFile, generateSigner("warden.test/audit", randomBytes(32)).text + "\n");
    const other = cli(file, "--public-key", keyFile);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/not signed by a trusted key/);
    expect(other.out).not.toMatch(/intact/);
  });

  it("(a) one changed field: the payload hash of that event", async () => {
    const s = seqs[leafOf(12)];
    await tamper(`update audit_events set actor_label = 'someone else' where seq = ${s}`);
    for (const r of [...(url ? [viaDb()] : []), cli(await bundleFile("a"), "--witness", witness)]) {
      expect(r.code).toBe(1);
      expect(r.out).toContain(`event seq ${s} `);
      expect(r.out).toContain("payload hash");
    }
  });

  it("(b) one deleted middle event: the chain link of the next one", async () => {
    const s = seqs[leafOf(15)];
    await tamper(`delete from audit_events where seq = ${s}`);
    for (const r of [...(url ? [viaDb()] : []), cli(await bundleFile("b"), "--witness", witness)]) {
      expect(r.code).toBe(1);
      expect(r.out).toContain(`event seq ${seqs[leafOf(16)]} `);
      expect(r.out).toContain("chain link");
    }
  });

  it("(c) the last events deleted after a checkpoint: the missing range", async () => {
    await tamper(`delete from audit_events where seq >= ${seqs[leafOf(25)]}`);
    const want = `events ${leafOf(25)}–${leafOf(29)} are missing`;
    if (url) {
      const r = viaDb();
      expect(r.code).toBe(1);
      expect(r.out).toContain(want);
    }
    const b = cli(await bundleFile("c"), "--witness", witness);
    expect(b.code).toBe(1);
    expect(b.out).toMatch(/missing/);
  });

  it("(d) a changed event with every later hash and link recomputed: a rewrite between two checkpoints", async () => {
    const rows = await h.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
    const from = leafOf(12);
    let prev = rows[from - 1].hash;
    const statements: string[] = [];
    for (let i = from; i < rows.length; i++) {
      const e = { ...rows[i], actorLabel: i === from ? "someone else" : rows[i].actorLabel };
      const hash = eventHash(prev, e);
      statements.push(`update audit_events set actor_label = '${e.actorLabel}', prev_hash = '${prev}', hash = '${hash}' where seq = ${e.seq}`);
      prev = hash;
    }
    await tamper(...statements);
    if (url) {
      const r = viaDb();
      expect(r.code).toBe(1);
      expect(r.out).toContain(`the log was rewritten`);
      expect(r.out).toContain(`the change lies in events ${leafOf(10)}–${leafOf(19)}`);
    }
    const b = cli(await bundleFile("d"), "--witness", witness);
    expect(b.code).toBe(1);
    expect(b.out).not.toMatch(/intact/);
  });

  it("(e) two events swapped: the order", async () => {
    const [x, y] = [seqs[leafOf(12)], seqs[leafOf(13)]];
    await tamper(`update audit_events set seq = -1 where seq = ${x}`, `update audit_events set seq = ${x} where seq = ${y}`, `update audit_events set seq = ${y} where seq = -1`);
    for (const r of [...(url ? [viaDb()] : []), cli(await bundleFile("e"), "--witness", witness)]) {
      expect(r.code).toBe(1);
      expect(r.out).toContain(`event seq ${x} `);
      expect(r.out).toContain("order");
    }
  });

  it("(f) the whole table replaced by a self-consistent fabricated log: a rewrite from the first checkpoint", async () => {
    const rows = await h.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
    let prev = GENESIS_HASH;
    const statements = ["delete from audit_events"];
    for (const r of rows) {
      const e = { ...r, actorLabel: "fabricated" };
      const hash = eventHash(prev, e);
      statements.push(
        `insert into audit_events select seq, id, occurred_at, actor_kind, actor_id, 'fabricated', action, target_kind, target_id, agent_id, session_id, detail, request_id, ip, '${prev}', '${hash}' from audit_events_copy where seq = ${r.seq}`,
      );
      prev = hash;
    }
    await tamper(...statements);
    if (url) {
      const r = viaDb();
      expect(r.code).toBe(1);
      expect(r.out).toContain("the log was rewritten");
    }
    const b = cli(await bundleFile("f"), "--witness", witness);
    expect(b.code).toBe(1);
  });

  it.runIf(kind === "postgres")("(g) rolled back to an older copy: the witness copy names the missing range", async () => {
    await tamper(`delete from audit_events where seq >= ${seqs[leafOf(20)]}`, `delete from audit_checkpoints where size > ${leafOf(20)}`);
    const r = viaDb();
    expect(r.code).toBe(1);
    expect(r.out).toContain(`events ${leafOf(20)}–${leafOf(29)} are missing (the witnessed checkpoint of size ${leafOf(30)}`);
  });

  it("a checkpoint signed by another key is refused", async () => {
    const rogue = generateSigner("warden.test/audit", randomBytes(32));
    const size = leafOf(25);
    const root = await overTiles(h.db, (t) => rootHash(t, size));
    const note = signNote(checkpointText({ origin: "warden.test/audit", size, root, extensions: ["time 1"] }), [rogue]);
    fs.writeFileSync(path.join(witness, `checkpoint-${String(size).padStart(20, "0")}.note`), note);
    const r = url ? viaDb() : cli(await bundleFile("rogue"), "--witness", witness);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`size ${size}`);
    expect(r.out).toMatch(/not signed by a trusted key/);
  });

  it("a bad period is refused before anything streams", async () => {
    await expect(startEvidenceBundle(log, { from: "yesterday", person })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(startEvidenceBundle(log, { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z", person })).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("bad input: one clear line, a non-zero exit, no stack trace, never intact", async () => {
    const good = fs.readFileSync(await bundleFile("good"), "utf8");
    const write = (name: string, text: string) => {
      const f = path.join(tmp, name);
      fs.writeFileSync(f, text);
      return f;
    };
    const garbledDir = path.join(tmp, "garbled");
    fs.cpSync(witness, garbledDir, { recursive: true });
    const first = fs.readdirSync(garbledDir).find((f) => f.endsWith(".note"))!;
    fs.writeFileSync(path.join(garbledDir, first), "this is not\na checkpoint\n");
    const cases: [string[], RegExp][] = [
      [[write("malformed.ndjson", "{{{ not json\n")], /malformed|not a Warden evidence bundle/],
      [[write("truncated.ndjson", good.slice(0, Math.floor(good.length * 0.7)))], /truncated/],
      [[write("foreign.ndjson", '{"format":"someone-else/2"}\n')], /not a Warden evidence bundle/],
      [[write("empty.ndjson", "")], /not a Warden evidence bundle/],
      [[path.join(tmp, "no-such-file.ndjson")], /cannot read the bundle/],
      [[write("good.ndjson", good), "--witness", garbledDir], /garbled checkpoint/],
      [["--database-url", "postgres://postgres@127.0.0.1:1/none"], /cannot reach the database/],
    ];
    for (const [args, want] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.out).toMatch(want);
      expect(r.out).not.toMatch(/intact|    at |Error:/);
      expect(r.out.trim().split("\n")).toHaveLength(1);
    }
  });
});
