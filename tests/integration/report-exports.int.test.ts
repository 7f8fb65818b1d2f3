import { createHash, randomBytes } from "node:crypto";
import { generateSigner, parseNote, signedBy } from "../../lib/audit/log/note";
import { and, eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "../../app/api/v1/reports/[framework]/export/route";
import * as verifyRoute from "../../app/api/v1/reports/verify/route";
import { rows, type DatabaseHandle } from "../../lib/db/client";
import { auditEvents } from "../../lib/db/schema";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const H = (h: unknown) => h as RouteHandler;
const call = routeCaller(() => {});

/** Like routeCaller, for answers that are files: the raw bytes and the headers. */
async function download(handler: RouteHandler, opts: { token: string; path: string; params: Record<string, string> }) {
  const req = new NextRequest(`http://localhost${opts.path}`, { method: "GET", headers: { authorization: `Bearer ${opts.token}` } });
  const res = await handler(req, { params: Promise.resolve(opts.params) });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest();
const FORMATS = ["pdf", "csv", "json"] as const;
const FRAMEWORK = "owasp-asi-2026";
const path = (q: string) => `/api/v1/reports/${FRAMEWORK}/export?${q}`;

const signer = generateSigner("warden.test/audit", randomBytes(32));

describe.each(DB_KINDS)("report exports on %s", (kind) => {
  let h: DatabaseHandle;
  let auditor: { id: string; email: string; token: string };
  let analyst: string;
  let approver: string;

  beforeAll(async () => {
    // The audit log's signing key from the environment: no key file is written by this test.
    process.env.WARDEN_AUDIT_ORIGIN = "warden.test/audit";
    process.env.WARDEN_AUDIT_KEY = signer.secretText;
    h = await openTestDatabase(kind);
    auditor = await personWithToken(h.db, "auditor@warden.test", "auditor");
    analyst = (await personWithToken(h.db, "analyst@warden.test", "analyst")).token;
    approver = (await personWithToken(h.db, "approver@warden.test", "approver")).token;
  });
  afterAll(async () => h?.close());

  it.each(FORMATS)("exports %s with its hash, the chain head and a matching audit event", async (format) => {
    const res = await download(H(exportRoute.GET), { token: auditor.token, path: path(`format=${format}&from=2026-10-27&to=2026-11-26`), params: { framework: FRAMEWORK } });
    expect(res.status).toBe(200);
    expect(res.bytes.length).toBeGreaterThan(100);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="warden-${FRAMEWORK}-2026-10-27_2026-11-26.${format}"`);
    expect(res.headers.get("content-type")).toMatch({ pdf: /^application\/pdf/, csv: /^text\/csv/, json: /^application\/json/ }[format]);
    if (format === "pdf") expect(res.bytes.subarray(0, 5).toString()).toBe("%PDF-");

    // The headers describe exactly these bytes.
    const digest = sha256(res.bytes);
    expect(res.headers.get("x-content-sha256")).toBe(digest.toString("hex"));
    expect(res.headers.get("digest")).toBe(`sha-256=${digest.toString("base64")}`);
    const [seq, hash] = res.headers.get("x-warden-chain-head")!.split(":");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    // The chain head names a real event of the log.
    if (Number(seq) > 0) {
      const [head] = await h.db.select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.seq, Number(seq)));
      expect(head?.hash).toBe(hash);
    }

    // The audit event was committed before the answer, with the same hash and chain head.
    const [event] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "report.exported"), eq(auditEvents.id, res.headers.get("x-warden-audit-event")!)));
    expect(event).toBeDefined();
    expect(event.actorKind).toBe("person");
    expect(event.actorId).toBe(auditor.id);
    expect(event.targetKind).toBe("report");
    expect(event.targetId).toBe(FRAMEWORK);
    expect(event.seq).toBeGreaterThan(Number(seq));
    expect(event.detail).toEqual({
      framework: FRAMEWORK,
      from: "2026-10-27T00:00:00.000Z",
      to: "2026-11-26T00:00:00.000Z",
      format,
      sha256: digest.toString("hex"),
      chainHead: { seq: Number(seq), hash },
      // the signed audit-log checkpoint made for the export (checked in the next test)
      checkpoint: { size: expect.any(Number), root: expect.any(String), keyId: signer.keyId },
      bytes: res.bytes.length,
    });

    // An auditor holding only the file finds the export by its hash.
    const v = await call(H(verifyRoute.POST), { token: auditor.token, body: { sha256: digest.toString("hex").toUpperCase() } });
    expect(v.status).toBe(200);
    expect(v.body.found).toBe(true);
    expect(v.body.exports).toEqual([
      expect.objectContaining({ auditEventId: event.id, seq: event.seq, format, framework: FRAMEWORK, bytes: res.bytes.length, chainHead: { seq: Number(seq), hash }, exportedBy: { kind: "person", id: auditor.id, label: auditor.email } }),
    ]);

    // The JSON export carries the chain head in its own body too.
    if (format === "json") {
      const body = JSON.parse(res.bytes.toString("utf8"));
      expect(body.export).toEqual({ format: "json", chainHead: { seq: Number(seq), hash }, generatedAt: body.generatedAt });
    }
  });

  it("signs an audit-log checkpoint covering the chain head first, and names it in the export", async () => {
    const res = await download(H(exportRoute.GET), { token: auditor.token, path: path("format=json&from=2026-10-27&to=2026-11-26"), params: { framework: FRAMEWORK } });
    expect(res.status).toBe(200);
    const [size, root, keyId] = res.headers.get("x-warden-checkpoint")!.split(":");
    expect(keyId).toBe(signer.keyId);
    const headSeq = Number(res.headers.get("x-warden-chain-head")!.split(":")[0]);
    const [cp] = rows<{ note: string; root: Buffer | Uint8Array }>(await h.db.execute(sql`select note, root from audit_checkpoints where size = ${Number(size)}`));
    expect(Buffer.from(cp.root).toString("base64")).toBe(root);
    expect(signedBy(parseNote(cp.note), signer)).toBe(true);
    // The checkpoint covers the head the report stops at: every event up to it is a leaf.
    const [{ n }] = rows<{ n: string }>(await h.db.execute(sql`select count(*) as n from audit_events where seq <= ${headSeq}`));
    expect(Number(size)).toBeGreaterThanOrEqual(Number(n));
    expect(JSON.parse(res.bytes.toString()).checkpoint).toEqual({ size: Number(size), root, keyId });
    const [ev] = await h.db.select({ detail: auditEvents.detail }).from(auditEvents).where(eq(auditEvents.id, res.headers.get("x-warden-audit-event")!));
    expect(ev.detail.checkpoint).toEqual({ size: Number(size), root, keyId });
  });

  it("does not find a hash nobody exported, and refuses what is not a hash", async () => {
    const v = await call(H(verifyRoute.POST), { token: auditor.token, body: { sha256: "0".repeat(64) } });
    expect(v).toEqual({ status: 200, body: { sha256: "0".repeat(64), found: false, exports: [] } });
    const bad = await call(H(verifyRoute.POST), { token: auditor.token, body: { sha256: "abc" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
  });

  it("finds exports through the target index, which leaves decision events out (migration 0016)", async () => {
    const [{ indexdef }] = rows<{ indexdef: string }>(await h.db.execute(sql`select indexdef from pg_indexes where indexname = 'audit_events_target_idx'`));
    expect(indexdef).toMatch(/WHERE \(?target_kind <> 'decision'::text\)?/);
    const plan = await h.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return JSON.stringify(rows(await tx.execute(sql`explain (format json) select seq from audit_events where target_kind = 'report' and action = 'report.exported' and detail->>'sha256' = ${"0".repeat(64)}`)));
    });
    expect(plan).toContain("audit_events_target_idx");
  });

  it("is for admins and auditors only", async () => {
    for (const token of [analyst, approver]) {
      const r = await call(H(exportRoute.GET), { token, path: path("format=pdf"), params: { framework: FRAMEWORK } });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("forbidden");
      const v = await call(H(verifyRoute.POST), { token, body: { sha256: "0".repeat(64) } });
      expect(v.status).toBe(403);
    }
    const anon = await call(H(exportRoute.GET), { path: path("format=pdf"), params: { framework: FRAMEWORK } });
    expect(anon.status).toBe(401);
  });

  it("refuses a bad format, a bad period and an unknown framework", async () => {
    const before = await h.db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.action, "report.exported"));
    const get = (q: string, framework = FRAMEWORK) => call(H(exportRoute.GET), { token: auditor.token, path: `/api/v1/reports/${framework}/export?${q}`, params: { framework } });
    for (const q of ["format=docx", "format=", ""]) {
      const r = await get(q);
      expect(r.status).toBe(400);
      expect(r.body.error.fields).toEqual([expect.objectContaining({ path: "format" })]);
    }
    for (const q of ["format=csv&from=yesterday", "format=csv&from=2026-11-02&to=2026-11-01", "format=csv&from=2025-01-01&to=2026-11-01"]) {
      const r = await get(q);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
    }
    const nf = await get("format=pdf", "iso-42001");
    expect(nf.status).toBe(404);
    expect(nf.body.error.code).toBe("not_found");
    // Refused exports leave no trace of an export.
    const after = await h.db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.action, "report.exported"));
    expect(after.length).toBe(before.length);
  });
});
