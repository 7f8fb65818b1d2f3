// Backup and restore as README "Backup and restore" says to do them, with the real tools: `pg_dump
// -Fc` and `pg_restore` into a new database, and a copy of the embedded database's folder made
// while it is closed. The restored Warden must hold the data, decide and record, continue the
// audit log under the same key and witness, and pass `warden-audit verify` spawned as a user runs
// it. An older dump restored under the same witnesses is a rollback, refused by design
// (audit_log_rolled_back); the documented recovery (a new origin with a key of its own, a new
// witness folder, the new key added to the HTTP witness) gives a working, verifiable log again,
// and the old folder and the witness's record keep the evidence of what the restore lost.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as authorizeRoute from "../../app/api/v1/authorize/route";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import { consistencyProof, verifyConsistency } from "../../lib/audit/log/merkle";
import { cosignatureVerifier, generateSigner } from "../../lib/audit/log/note";
import { overTiles } from "../../lib/audit/log/store";
import { noteFileName } from "../../lib/audit/log/witness-folder";
import { verifyAuditChain } from "../../lib/audit/verify";
import { TestClock } from "../../lib/clock";
import { openDatabase, rows, type DatabaseHandle, type Db } from "../../lib/db/client";
import { decisions } from "../../lib/db/schema";
import { connectorCreateSchema } from "../../lib/domain/connectors/schemas";
import { Runtime, setRuntime } from "../../lib/runtime";
import { createAgent } from "../../lib/services/agents/create";
import { issueAgentKey } from "../../lib/services/agents/keys";
import { startEvidenceBundle } from "../../lib/services/audit-log/bundle";
import { checkpointNow } from "../../lib/services/audit-log/checkpoint";
import { openAuditLog, type AuditLog } from "../../lib/services/audit-log/open";
import { auditLogStatus } from "../../lib/services/audit-log/status";
import { createConnector } from "../../lib/services/connectors/create";
import { ensureGuardrails } from "../../lib/services/policies/guardrails";
import { openWitness } from "../../lib/services/witness/add-checkpoint";
import { WitnessServer } from "./witness-server";
import { openTestDatabase } from "./db";
import { routeCaller, type RouteHandler } from "./route-helpers";

const PG_BIN = process.env.WARDEN_TEST_PG_BIN ?? "/usr/lib/postgresql/15/bin";
const CLI = path.join(__dirname, "../../sdk/audit/warden-audit.mjs");
const KEYGEN = path.join(__dirname, "../../scripts/audit-keygen.ts");
const TSX = createRequire(import.meta.url).resolve("tsx/cli");
const TABLES = ["agents", "connectors", "credentials", "sessions", "decisions", "escalations", "audit_events", "audit_checkpoints"];
const system = { actor: { kind: "system" as const, label: "test" } };
const call = routeCaller(() => {});
const H = (h: unknown) => h as RouteHandler;

/** `warden-audit verify …` as a user runs it. */
function verify(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "verify", "--quiet", ...args], { encoding: "utf8", timeout: 60_000, env: { ...process.env, FORCE_COLOR: "0" } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

type Warden = { rt: Runtime; db: Db; log: AuditLog };

/** What startWarden does with a database and an environment, minus the background timers. */
async function wardenOn(handle: DatabaseHandle, env: Record<string, string>): Promise<Warden> {
  const rt = new Runtime(handle, new TestClock());
  setRuntime(rt);
  return { rt, db: rt.db, log: await openAuditLog(rt.db, rt.clock, env) };
}

/** An agent, a connector and the guardrails, through the services; returns the agent's key. */
async function seed(db: Db): Promise<string> {
  await ensureGuardrails(db);
  const envelope = { actions: ["github:*"], maxSensitivity: "internal" as const, maxTtlSeconds: 3600 };
  const a = await createAgent(db, system, { name: "triage-bot", identityKind: "key", team: "support", purpose: "", riskTier: "low", envelope });
  await createConnector(db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }, { name: "write", access: "write" }] }] }));
  return (await issueAgentKey(db, system, a!.id, { name: "bootstrap", expiresInDays: 1 })).secret;
}

/** A session and two decisions by the agent through the API: an allow and an escalate. Returns the allow's id. */
async function work(key: string): Promise<string> {
  const s = await call(H(sessionsRoute.POST), { token: key, path: "/api/v1/sessions", body: { intent: { goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 } } });
  expect(s.status).toBe(201);
  const decide = (operation: string) => call(H(authorizeRoute.POST), { token: key, path: "/api/v1/authorize", body: { sessionId: s.body.id, action: { connector: "github", tool: "issues", operation } } });
  const allow = await decide("read");
  expect(allow.body).toMatchObject({ decision: "allow" });
  expect((await decide("write")).body).toMatchObject({ decision: "escalate" });
  return allow.body.decisionId;
}

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number(rows<{ n: string }>(await db.execute(sql.raw(`select count(*)::text as n from ${t}`)))[0].n);
  return out;
}

const auditActions = async (db: Db, action: string) => rows<{ detail: Record<string, unknown> }>(await db.execute(sql`select detail from audit_events where action = ${action}`));

describe("backup and restore on Postgres: pg_dump -Fc, pg_restore into a new database", () => {
  const adminUrl = inject("pgAdminUrl");
  // Named like the run's other databases, so the run's teardown drops any this file leaves behind.
  const prefix = new URL(inject("pgTemplateUrl")).pathname.slice(1).replace("_tmpl_", "_restore_");
  const created: string[] = [];
  const urlOf = (name: string) => Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  let tmp = "";
  let witness = "";
  let env: Record<string, string> = {};
  let key = "";
  let keyId = "";
  let before: Record<string, number> = {};
  let latest: { size: number; root: Buffer } = { size: 0, root: Buffer.alloc(0) };
  const dump = { older: "", latest: "" };
  // An HTTP witness (c2sp.org/tlog-witness) with its own database, as another Warden would be.
  const witnessSigner = generateSigner("witness.test/w1", randomBytes(32));
  let witnessDb: DatabaseHandle;
  let server: WitnessServer;
  const witnessEnv = (logKeys: string) => ({ WARDEN_WITNESS_SIGNING_KEY: witnessSigner.secretText, WARDEN_WITNESS_NAME: witnessSigner.name, WARDEN_WITNESS_LOG_KEYS: logKeys });
  const witnessed = async () => rows<{ origin: string; size: string }>(await witnessDb.db.execute(sql`select origin, size::text from witnessed_logs order by origin`));

  async function admin(q: string) {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(q).finally(() => c.end());
  }

  /** README: createdb -T template0, then pg_restore --no-owner into it. */
  async function restore(file: string): Promise<string> {
    const name = `${prefix}_${randomBytes(4).toString("hex")}`;
    await admin(`CREATE DATABASE ${name} TEMPLATE template0`);
    created.push(name);
    execFileSync(path.join(PG_BIN, "pg_restore"), ["--no-owner", "--exit-on-error", "-d", urlOf(name), file], { stdio: "pipe" });
    return urlOf(name);
  }

  const migrationsApplied = async (url: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query<{ n: string }>("select count(*)::text as n from drizzle.__drizzle_migrations").finally(() => c.end());
    return Number(r.rows[0].n);
  };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "warden-backup-"));
    witness = path.join(tmp, "witness");
    witnessDb = await openDatabase({ kind: "pglite", dataDir: null });
    server = new WitnessServer(); // configured below, once the log's key is known
    await server.start();
    const witnessUrl = server.url;
    // As on a first start: the signing key is generated into WARDEN_DATA_DIR/audit-signing.key.
    env = {
      WARDEN_DATA_DIR: path.join(tmp, "data"),
      WARDEN_WITNESS_DIR: witness,
      WARDEN_WITNESS_URL: witnessUrl,
      WARDEN_WITNESS_KEY: cosignatureVerifier(witnessSigner).text,
    };
    dump.older = path.join(tmp, "warden-older.dump");
    dump.latest = path.join(tmp, "warden-latest.dump");
    const h = await openTestDatabase("postgres");
    const [{ db: name }] = rows<{ db: string }>(await h.db.execute(sql`select current_database() as db`));
    const log = await openAuditLog(h.db, h.clock, env);
    keyId = log.signer.keyId;
    server.witness = openWitness(witnessDb.db, new TestClock(), witnessEnv(log.signer.text));
    key = await seed(h.db);
    await work(key);
    expect((await checkpointNow(log)).kind).toBe("signed");
    const pgDump = (file: string) => execFileSync(path.join(PG_BIN, "pg_dump"), ["-Fc", "-f", file, "-d", urlOf(name)], { stdio: "pipe" });
    pgDump(dump.older);
    await work(key);
    const cp = await checkpointNow(log);
    if (cp.kind !== "signed") throw new Error(`expected a checkpoint, got ${cp.kind}`);
    expect(cp.witnesses[0].outcome).toMatchObject({ kind: "cosigned" });
    latest = { size: cp.checkpoint.size, root: cp.checkpoint.root };
    pgDump(dump.latest); // nothing is written after it: this dump is the log's newest state
    before = await counts(h.db);
    await h.close(); // the original database is dropped: the disaster
  });

  afterAll(async () => {
    setRuntime(undefined);
    await server?.stop();
    await witnessDb?.close();
    for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("the latest dump restored into a new database is the same Warden: its data, new decisions, and a log that continues and verifies", async () => {
    const url = await restore(dump.latest);
    const applied = await migrationsApplied(url);
    const w = await wardenOn(await openDatabase({ kind: "postgres", url, poolSize: 4 }), env);
    try {
      expect(await migrationsApplied(url)).toBe(applied); // the dump carries the migrations' record: nothing to apply
      expect(await counts(w.db)).toEqual(before);
      expect(await verifyAuditChain(w.db)).toMatchObject({ ok: true });
      // The agent's key, its connector and the policies came back: it works as before.
      const id = await work(key);
      expect(await w.db.select({ id: decisions.id }).from(decisions).where(eq(decisions.id, id))).toHaveLength(1);
      // Same key, same witness folder: the next checkpoint extends the last one signed before the backup.
      expect(w.log.signer.keyId).toBe(keyId);
      const cp = await checkpointNow(w.log);
      if (cp.kind !== "signed") throw new Error(`expected a checkpoint, got ${cp.kind}`);
      expect(cp.checkpoint.size).toBeGreaterThan(latest.size);
      expect(cp.witnesses[0].outcome).toMatchObject({ kind: "cosigned" }); // from the size it cosigned before the backup
      const proof = await overTiles(w.db, (t) => consistencyProof(t, latest.size, cp.checkpoint.size));
      expect(verifyConsistency(latest.size, cp.checkpoint.size, proof, latest.root, cp.checkpoint.root)).toBe(true);
      expect(fs.existsSync(path.join(witness, noteFileName(cp.checkpoint.size)))).toBe(true);
      const witnessKey = path.join(tmp, "witness.pub");
      fs.writeFileSync(witnessKey, `${cosignatureVerifier(witnessSigner).text}\n`);
      const r = verify("--database-url", url, "--public-key", path.join(witness, "keys", `${keyId}.pub`), "--witness", witness, "--witness-key", witnessKey);
      expect(r.out).toMatch(/^intact/m);
      expect(r.code).toBe(0);
    } finally {
      await w.rt.close();
    }
  });

  it("an older dump under the same witnesses is a rollback (audit_log_rolled_back, nothing signed); a new origin, key and witness folder make a verifiable log again", async () => {
    const url = await restore(dump.older);
    const w = await wardenOn(await openDatabase({ kind: "postgres", url, poolSize: 4 }), env);
    try {
      await work(key); // a refused checkpoint blocks no decision
      const notes = fs.readdirSync(witness);
      expect((await checkpointNow(w.log)).kind).toBe("rolled_back");
      expect(fs.readdirSync(witness)).toEqual(notes);
      const findings = rows<{ severity: string; status: string }>(await w.db.execute(sql`select severity, status from findings where kind = 'audit_log_rolled_back'`));
      expect(findings).toEqual([{ severity: "critical", status: "open" }]);

      // The recovery (README): a new origin with a key of its own, a new witness folder holding the
      // old public key too, the new key added to the HTTP witness's; the old key and folder are kept, untouched.
      const origin = "warden.local/audit/restored-1";
      const newKey = path.join(tmp, "audit-signing-2.key");
      const printed = execFileSync(process.execPath, [TSX, KEYGEN, origin, newKey], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      expect(printed.trim()).toBe(fs.readFileSync(`${newKey}.pub`, "utf8").trim());
      const witness2 = path.join(tmp, "witness-2");
      fs.cpSync(path.join(witness, "keys"), path.join(witness2, "keys"), { recursive: true });
      server.witness = openWitness(witnessDb.db, new TestClock(), witnessEnv(`${fs.readFileSync(path.join(witness, "keys", `${keyId}.pub`), "utf8").trim()},${printed.trim()}`));
      const recovered = await openAuditLog(w.db, w.rt.clock, { ...env, WARDEN_AUDIT_ORIGIN: origin, WARDEN_AUDIT_KEY_FILE: newKey, WARDEN_WITNESS_DIR: witness2 });
      const first = await checkpointNow(recovered);
      expect(first.kind).toBe("signed");
      expect(first.witnesses[0].outcome).toMatchObject({ kind: "cosigned" });
      // The witness keeps what it cosigned of the old origin (beyond this database's log) beside the new one.
      const held = await witnessed();
      expect(held.map((r) => r.origin)).toEqual(["warden.local/audit", origin]);
      expect(Number(held[0].size)).toBeGreaterThan(latest.size);
      await work(key);
      expect((await checkpointNow(recovered)).kind).toBe("signed");
      // The trail says the log was renamed, once, and from where.
      const renamed = await auditActions(w.db, "audit.origin_changed");
      expect(renamed).toHaveLength(1);
      expect(renamed[0].detail).toMatchObject({ previousOrigin: "warden.local/audit", previousKeyId: keyId, origin, keyId: recovered.signer.keyId });

      const ok = verify("--database-url", url, "--witness", witness2);
      expect(ok.out).toMatch(/^intact/m);
      expect(ok.out).toContain(`then "${origin}"`);
      expect(ok.code).toBe(0);
      // The old folder still proves what the restore lost: the events after the older dump's checkpoint.
      const allKeys = path.join(tmp, "all-audit-keys.pub"); // README: cat /srv/warden-witness-2/keys/*.pub > all-audit-keys.pub
      const keysDir = path.join(witness2, "keys");
      fs.writeFileSync(allKeys, fs.readdirSync(keysDir).map((f) => fs.readFileSync(path.join(keysDir, f), "utf8")).join(""));
      const lost = verify("--database-url", url, "--witness", witness, "--public-key", allKeys);
      expect(lost.out).toMatch(/^verification FAILED: .*(the log was rewritten|rolled back)/m);
      expect(lost.code).toBe(1);
    } finally {
      await w.rt.close();
    }
  });
});

describe("backup and restore of the embedded database: a copy of WARDEN_DATA_DIR made while Warden is stopped (tar)", () => {
  let tmp = "";
  afterAll(() => {
    setRuntime(undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("opens as the same Warden: its data and signing key, new decisions, a log that continues, and a bundle that verifies", async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "warden-backup-embedded-"));
    const data = path.join(tmp, "data");
    const witness = path.join(tmp, "witness");
    // The embedded database lives in <WARDEN_DATA_DIR>/pg (lib/db/client.ts defaultOpenOptions).
    let w = await wardenOn(await openDatabase({ kind: "pglite", dataDir: path.join(data, "pg") }), { WARDEN_DATA_DIR: data, WARDEN_WITNESS_DIR: witness });
    const keyId = w.log.signer.keyId;
    const key = await seed(w.db);
    await work(key);
    const cp = await checkpointNow(w.log);
    if (cp.kind !== "signed") throw new Error(`expected a checkpoint, got ${cp.kind}`);
    const before = await counts(w.db);
    await w.rt.close(); // stop first: PGlite belongs to one process, and an open folder is not a backup

    // README: tar -C "$WARDEN_DATA_DIR" --exclude=./warden.pid -czf <backup> . ; then into an empty folder.
    const backup = path.join(tmp, "warden-data.tar.gz");
    execFileSync("tar", ["-C", data, "--exclude=./warden.pid", "-czf", backup, "."]);
    const copy = path.join(tmp, "restored");
    fs.mkdirSync(copy);
    execFileSync("tar", ["-C", copy, "-xzf", backup]);
    expect(fs.statSync(path.join(copy, "audit-signing.key")).mode & 0o777).toBe(0o600);
    w = await wardenOn(await openDatabase({ kind: "pglite", dataDir: path.join(copy, "pg") }), { WARDEN_DATA_DIR: copy, WARDEN_WITNESS_DIR: witness });
    try {
      expect(w.log.signer.keyId).toBe(keyId); // the key came with the folder
      expect(await counts(w.db)).toEqual(before);
      expect(await verifyAuditChain(w.db)).toMatchObject({ ok: true });
      await work(key);
      const next = await checkpointNow(w.log);
      expect(next.kind).toBe("signed");
      const status = await auditLogStatus(w.log);
      expect(status.latest).toMatchObject({ trusted: true, problem: null });
      expect(status.gaps).toEqual([]);
      const bundle = await startEvidenceBundle(w.log, { person: { id: "00000000-0000-4000-8000-000000000001", email: "auditor@example.com" } });
      const file = path.join(tmp, "evidence.ndjson");
      fs.writeFileSync(file, await new Response(bundle.stream).text());
      const r = verify(file, "--witness", witness);
      expect(r.out).toMatch(/^intact/m);
      expect(r.code).toBe(0);
    } finally {
      await w.rt.close();
    }
  });
});
