import { randomUUID } from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "../../app/api/v1/audit/export/route";
import { GENESIS_HASH, verifyRun } from "../../lib/audit/chain";
import { startAuditExport } from "../../lib/audit/export";
import { checkExportDigest, CSV_COLUMNS } from "../../lib/audit/export-format";
import { recordAudit, recordAuditMany, type AuditInput } from "../../lib/audit/record";
import { rows as rowsOf, type DatabaseHandle, type Db } from "../../lib/db/client";
import { auditEvents } from "../../lib/db/schema";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, type RouteHandler } from "./route-helpers";

const GET = exportRoute.GET as unknown as RouteHandler;
const BASE = Date.parse("2024-01-01T00:00:00Z");
const MINUTE = 60_000;

/** Calls the export route and returns the raw response (the body is a stream: callers read it). */
async function exportRaw(query: string, token?: string) {
  const req = new NextRequest(`http://localhost/api/v1/audit/export?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return GET(req, { params: Promise.resolve({}) });
}

async function exportText(query: string, token: string) {
  const res = await exportRaw(query, token);
  expect(res.status, await peekError(res)).toBe(200);
  return { res, text: await res.text() };
}

async function peekError(res: Response) {
  return res.status === 200 ? "" : await res.clone().text();
}

/** RFC 4180 with `#` comment lines (only at the start of a record). */
function parseCsv(text: string) {
  const comments: string[] = [];
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === "#") {
      const end = text.indexOf("\r\n", i);
      comments.push(text.slice(i, end));
      i = end + 2;
      continue;
    }
    const rec: string[] = [];
    for (;;) {
      let cell = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (text[i] === '"' && text[i + 1] === '"') (cell += '"'), (i += 2);
          else if (text[i] === '"') {
            i++;
            break;
          } else cell += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\r") cell += text[i++];
      }
      rec.push(cell);
      if (text[i] === ",") i++;
      else {
        expect(text.slice(i, i + 2)).toBe("\r\n");
        i += 2;
        break;
      }
    }
    records.push(rec);
  }
  const [header, ...data] = records;
  return { comments, header, data };
}

type Seeded = { person: string; agentA: string; agentB: string };

/** Appends `n` chained events in bulk: a mix of actors, agents, actions and times, with hostile text. */
async function appendChained(db: Db, n: number, s: Seeded, offset = 0) {
  const actions = ["decision.allow", "decision.deny", "session.opened", "credential.revoked", "agent.quarantined"];
  const events: AuditInput[] = Array.from({ length: n }, (_, i) => {
    const k = i + offset;
    const who = k % 4;
    const agentId = who === 1 ? s.agentA : who === 2 ? s.agentB : null;
    const label = who === 0 ? "=HYPERLINK(\"http://evil\",\"x\")" : who === 3 ? "-system, \"quoted\"" : "@bot";
    return {
      occurredAt: new Date(BASE + k * MINUTE),
      actor: who === 0 ? { kind: "person", id: s.person, label } : who === 3 ? { kind: "system", label } : { kind: "agent", id: agentId!, label },
      action: actions[k % actions.length],
      target: { kind: "thing", id: `t-${k}` },
      agentId,
      detail: { k, note: k % 7 === 0 ? "line one\r\nline two, \"three\"" : "+1", nested: { b: [1, 2], a: null } },
      requestId: k % 3 === 0 ? `req-${k}` : undefined,
      ip: k % 5 === 0 ? "10.0.0.1" : null,
    };
  });
  await recordAuditMany(db, events);
}

describe.each(DB_KINDS)("audit export on %s", (kind) => {
  let h: DatabaseHandle;
  let auditor: { id: string; token: string };
  let approver: string;
  const s: Seeded = { person: "", agentA: randomUUID(), agentB: randomUUID() };

  const count = async (where: ReturnType<typeof sql>, head: number) => {
    const [r] = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from audit_events where ${where} and seq <= ${head}`));
    return r.n;
  };
  const exportedEvent = async (sha256: string) => {
    const found = await h.db.select().from(auditEvents).where(sql`${auditEvents.action} = 'audit.exported' and ${auditEvents.detail}->>'sha256' = ${sha256}`);
    return found;
  };

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    auditor = await personWithToken(h.db, "auditor@warden.test", "auditor");
    approver = (await personWithToken(h.db, "approver@warden.test", "approver")).token;
    s.person = auditor.id;
    await appendChained(h.db, 3000, s);
  }, 120_000);
  afterAll(async () => h?.close());

  it("refuses without readAudit and rejects bad input before streaming", async () => {
    expect((await exportRaw("format=csv")).status).toBe(401);
    const denied = await exportRaw("format=csv", approver);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.code).toBe("forbidden");
    for (const bad of ["", "format=xml", "format=csv&agentId=nope", "format=json&action=DROP%20TABLE", "format=csv&from=yesterday", "format=csv&actorKind=robot", "format=csv&toSeq=0"]) {
      const r = await exportRaw(bad, auditor.token);
      expect(r.status, bad).toBe(400);
      expect((await r.json()).error.code).toBe("validation_failed");
    }
    // Paging parameters from the page's URL are ignored, not refused.
    expect((await exportRaw("format=csv&page=999999&pageSize=25&action=agent.", auditor.token)).status).toBe(200);
  });

  it("exports every event up to the chain head as CSV, in seq order, with a matching sha256 and an audit.exported event", async () => {
    const [top] = await h.db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
    const { res, text } = await exportText("format=csv", auditor.token);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="warden-audit-\d{8}T\d{6}Z-seq\d+\.csv"$/);
    expect(res.headers.get("x-warden-chain-head")).toBe(`${top.seq}:${top.hash}`);

    const csv = parseCsv(text);
    expect(csv.header).toEqual([...CSV_COLUMNS]);
    expect(csv.comments).toContain(`# chain head: seq ${top.seq} hash ${top.hash} (events after it are not included)`);
    expect(csv.comments).toContain(`# generated by: auditor@warden.test (${auditor.id})`);
    const seqs = csv.data.map((r) => Number(r[0]));
    expect(seqs.length).toBe(await count(sql`true`, top.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.at(-1)).toBe(top.seq);
    expect(csv.data.at(-1)!.at(-1)).toBe(top.hash);
    // Hostile text came through quoted and guarded, and each row still has every column.
    expect(csv.data.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    const person = csv.data.find((r) => r[3] === "person" && r[5].includes("HYPERLINK"))!;
    expect(person[5]).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(csv.data.some((r) => r[11].includes("line one\\r\\nline two"))).toBe(true);

    const { claimed, actual } = checkExportDigest(text, "csv");
    expect(claimed).toBe(actual);
    expect(text.endsWith(`# sha256 ${actual} of every line above\r\n`)).toBe(true);
    const [ev] = await exportedEvent(actual);
    expect(ev).toMatchObject({ actorKind: "person", actorId: auditor.id, actorLabel: "auditor@warden.test" });
    expect(ev.detail).toMatchObject({ format: "csv", filters: {}, chainHead: { seq: top.seq, hash: top.hash }, sha256: actual, events: seqs.length });
    expect(ev.seq).toBeGreaterThan(top.seq);
  });

  it("exports the whole chain as JSON that re-verifies and whose sha256 covers everything before the sha256 member", async () => {
    const { res, text } = await exportText("format=json", auditor.token);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toMatch(/\.json"$/);
    const doc = JSON.parse(text);
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(checkExportDigest(text, "json")).toEqual({ claimed: doc.sha256, actual: doc.sha256 });
    expect(doc.export.chainHead.seq).toBe(doc.events.at(-1).seq);
    // The events are the chain itself: every hash recomputes from the genesis.
    const events = doc.events.map((e: { occurredAt: string }) => ({ ...e, occurredAt: new Date(e.occurredAt) }));
    expect(verifyRun(GENESIS_HASH, events)).toEqual({ ok: true, lastHash: doc.export.chainHead.hash });
    expect((await exportedEvent(doc.sha256))[0].detail).toMatchObject({ format: "json", events: doc.events.length });
  });

  it("applies the person, agent, type and time filters exactly as SQL does", async () => {
    const from = new Date(BASE + 100 * MINUTE).toISOString();
    const to = new Date(BASE + 600 * MINUTE).toISOString();
    const cases: [string, ReturnType<typeof sql>][] = [
      [`actorKind=person&actorId=${s.person}`, sql`actor_kind = 'person' and actor_id = ${s.person}`],
      [`agentId=${s.agentA}`, sql`agent_id = ${s.agentA}`],
      ["action=decision.", sql`action like 'decision.%'`],
      ["action=credential.revoked", sql`action = 'credential.revoked'`],
      [`from=${from}&to=${to}`, sql`occurred_at >= ${from}::timestamptz and occurred_at < ${to}::timestamptz`],
      [`agentId=${s.agentB}&action=decision.&from=${from}`, sql`agent_id = ${s.agentB} and action like 'decision.%' and occurred_at >= ${from}::timestamptz`],
      ["q=evil", sql`(action ilike '%evil%' or actor_label ilike '%evil%' or target_id ilike '%evil%')`],
      ["action=nothing.matches", sql`false`],
    ];
    for (const [query, where] of cases) {
      const csv = await exportText(`format=csv&${query}`, auditor.token);
      const head = Number(csv.res.headers.get("x-warden-chain-head")!.split(":")[0]);
      const parsed = parseCsv(csv.text);
      const seqs = parsed.data.map((r) => Number(r[0]));
      expect(seqs.length, query).toBe(await count(where, head));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs.every((x) => x <= head)).toBe(true);
      const { claimed, actual } = checkExportDigest(csv.text, "csv");
      expect(claimed).toBe(actual);
      expect((await exportedEvent(actual))[0].detail.events).toBe(seqs.length);

      const json = await exportText(`format=json&${query}`, auditor.token);
      const doc = JSON.parse(json.text);
      expect(doc.events.length, query).toBe(await count(where, doc.export.chainHead.seq));
      expect(checkExportDigest(json.text, "json").actual).toBe(doc.sha256);
    }
    const one = JSON.parse((await exportText(`format=json&agentId=${s.agentA}&action=decision.`, auditor.token)).text);
    expect(one.export.filters).toEqual({ agentId: s.agentA, action: "decision." });
  });

  it("gives the same file whatever the chunk and seq window sizes, and aborts without a digest on a failed read", async () => {
    const person = { id: auditor.id, email: "auditor@warden.test" };
    const filters = { agentId: s.agentA, action: "decision." };
    const read = async (opts: { chunkSize?: number; seqWindow?: number }) =>
      new Response((await startAuditExport(h.db, { format: "json", filters, person, ...opts })).stream).text();
    const a = JSON.parse(await read({}));
    const b = JSON.parse(await read({ chunkSize: 7, seqWindow: 100 }));
    expect(b.events.map((e: { seq: number }) => e.seq)).toEqual(a.events.map((e: { seq: number }) => e.seq));
    expect(a.events.length).toBeGreaterThan(100);

    // A database that fails on the third read: the stream errors, and no digest or event is written.
    let reads = 0;
    const failing = new Proxy(h.db, {
      get(target, prop, receiver) {
        if (prop === "select" && ++reads > 3) throw new Error("connection lost");
        return Reflect.get(target, prop, receiver);
      },
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const ex = await startAuditExport(failing, { format: "csv", filters: {}, person, chunkSize: 50 });
      const reader = ex.stream.getReader();
      let text = "";
      await expect(
        (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            text += new TextDecoder().decode(value);
          }
        })(),
      ).rejects.toThrow("connection lost");
      expect(text).toContain("seq,id,occurred_at");
      expect(text).not.toMatch(/# sha256 [0-9a-f]{64}/);
      expect(checkExportDigest(text, "csv").claimed).toBeNull();
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });

  it("streams a large export chunk by chunk and stops at the head it started from", async () => {
    await appendChained(h.db, 20_000, s, 3000);
    const [top] = await h.db.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
    const res = await exportRaw("format=csv", auditor.token);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let chunks = 0;
    let largest = 0;
    for (let i = 0; i < 3; i++) {
      const { value } = await reader.read();
      text += decoder.decode(value!, { stream: true });
      chunks++;
      largest = Math.max(largest, value!.byteLength);
    }
    // Three chunks in, the end has not been reached: nothing was computed ahead, and no
    // audit.exported event has been written for this export yet.
    const before = await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(eq(auditEvents.action, "audit.exported"));
    // Events written while the export runs fall after its head and stay out of the file.
    const late = await recordAudit(h.db, { actor: { kind: "system", label: "late" }, action: "decision.allow", detail: { late: true } });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      chunks++;
      largest = Math.max(largest, value.byteLength);
    }
    const after = await h.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(eq(auditEvents.action, "audit.exported"));
    expect(after[0].n).toBe(before[0].n + 1);
    const csv = parseCsv(text);
    expect(csv.data.length).toBe(await count(sql`true`, top.seq));
    expect(Number(csv.data.at(-1)![0])).toBe(top.seq);
    expect(text).not.toContain(late.id);
    // ~1,000 rows a chunk: many chunks, none near the size of the whole file.
    expect(chunks).toBeGreaterThan(20);
    expect(largest).toBeLessThan(text.length / 10);
    const { claimed, actual } = checkExportDigest(text, "csv");
    expect(claimed).toBe(actual);
  }, 120_000);
});
