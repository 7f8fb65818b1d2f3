import { and, asc, eq, gt, gte, lt, lte, max, min } from "drizzle-orm";
import { z } from "zod";
import { newestCheckpoint, type AuditLog } from "@/lib/audit/log/checkpointer";
import { consistencyProof, type Hash } from "@/lib/audit/log/merkle";
import { parseCheckpoint, parseNote } from "@/lib/audit/log/note";
import { rangeProof } from "@/lib/audit/log/range";
import { leafIndexOf, overTiles } from "@/lib/audit/log/store";
import { TILE_WIDTH } from "@/lib/audit/log/tiles";
import { recordAudit } from "@/lib/audit/record";
import type { Executor } from "@/lib/db/client";
import { auditCheckpoints, auditEvents, auditLogKeys, auditLogTiles } from "@/lib/db/schema";
import { parseWith, type RequestMeta } from "@/lib/domain/request";
import { conflict, invalid } from "@/lib/errors";
import { checkpointNow } from "./checkpoint";
import { cosignaturesOf } from "./witness";

// The evidence bundle (warden-audit-bundle/1, docs/audit-log.md): the events of a period with the
// checkpoints that cover them, the consistency proofs between those, and a range proof, so that
// `warden-audit verify` can check it offline with no access to this server.

export const BUNDLE_FORMAT = "warden-audit-bundle/1";

/** A period by occurrence time; either end may be left open (the log's start, now). */
export const bundlePeriodSchema = z
  .object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .refine((p) => !p.from || !p.to || Date.parse(p.from) <= Date.parse(p.to), { message: "from must not be after to", path: ["to"] });

const CHUNK = 1000;
const b64 = (hs: Hash[]) => hs.map((h) => h.toString("base64"));

/** The seq of leaf `i` (level-0 tiles hold their leaves' seqs). */
async function seqOfLeaf(db: Executor, i: number): Promise<number> {
  const [t] = await db.select({ seqs: auditLogTiles.seqs }).from(auditLogTiles).where(and(eq(auditLogTiles.level, 0), eq(auditLogTiles.idx, Math.floor(i / TILE_WIDTH))));
  const seq = t?.seqs?.[i % TILE_WIDTH];
  if (seq === undefined) throw new Error(`leaf ${i} has no seq in the tiles`);
  return Number(seq);
}

export type BundleOptions = { from?: string; to?: string; person: { id: string; email: string }; meta?: RequestMeta };

/**
 * Checkpoints the tree first (so the bundle covers everything committed), then plans the whole
 * bundle before a byte goes out: a bad period or a log without a checkpoint fails as a DomainError
 * and nothing is half-written. Events stream in chunks by seq, one chunk per pull.
 */
export async function startEvidenceBundle(log: AuditLog, opts: BundleOptions) {
  const given = parseWith(bundlePeriodSchema, { from: opts.from || undefined, to: opts.to || undefined });
  const db = log.db;
  const period = { from: given.from ?? new Date(0).toISOString(), to: given.to ?? new Date(log.clock.now()).toISOString() };
  await checkpointNow(log);
  const newest = await newestCheckpoint(db);
  if (!newest) throw conflict("The audit log has no checkpoint yet: nothing to prove a bundle against");
  const treeSize = newest.size;
  const lastSeqInTree = await seqOfLeaf(db, treeSize - 1);
  // The range runs between the period's neighbours outside it (the last event before `from`, the
  // first after `to`), not its first and last events: events deleted at either edge then stay
  // inside the range, and the verifier sees them missing.
  const [r] = await db
    .select({ before: max(auditEvents.seq) })
    .from(auditEvents)
    .where(and(lt(auditEvents.occurredAt, new Date(period.from)), lte(auditEvents.seq, lastSeqInTree)));
  const [s] = await db
    .select({ after: min(auditEvents.seq) })
    .from(auditEvents)
    .where(and(gt(auditEvents.occurredAt, new Date(period.to)), lte(auditEvents.seq, lastSeqInTree)));
  const leafOf = async (seq: number) => {
    const at = await leafIndexOf(db, seq);
    if (at === null) throw invalid("from", "the period's events are not in the tree yet");
    return at;
  };
  const firstLeaf = r?.before != null ? (await leafOf(Number(r.before))) + 1 : 0;
  const endLeaf = Math.max(firstLeaf, s?.after != null ? await leafOf(Number(s.after)) : treeSize);
  const all = await db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.size));
  const startAt = Math.max(0, all.findLastIndex((c) => c.size <= firstLeaf));
  const cps = all.slice(startAt).filter((c) => c.size <= treeSize);
  const keys = (await db.select({ v: auditLogKeys.verifier }).from(auditLogKeys)).map((k) => k.v);
  const origin = parseCheckpoint(parseNote(newest.note).text).origin;
  const createdAt = new Date(log.clock.now()).toISOString();

  const head: string[] = [
    JSON.stringify({ format: BUNDLE_FORMAT, origin, from: period.from, to: period.to, createdAt, firstLeaf, endLeaf, treeSize }),
    JSON.stringify({ keys }),
  ];
  // Each note with the witnesses' cosignatures appended: `warden-audit --witness-key` checks them.
  const cosigs = await cosignaturesOf(db, cps.map((c) => c.size));
  for (let i = 0; i < cps.length; i++) {
    head.push(JSON.stringify({ checkpoint: cps[i].note + (cosigs.get(cps[i].size) ?? []).map((l) => `${l}\n`).join("") }));
    if (i + 1 < cps.length) {
      const [m, n] = [cps[i].size, cps[i + 1].size];
      head.push(JSON.stringify({ consistency: { from: m, to: n, proof: b64(await overTiles(db, (t) => consistencyProof(t, m, n))) } }));
    }
  }
  const range = JSON.stringify({ range: { start: firstLeaf, end: endLeaf, size: treeSize, proof: b64(await overTiles(db, (t) => rangeProof(t, firstLeaf, endLeaf, treeSize))) } });
  let last = firstLeaf < endLeaf ? (await seqOfLeaf(db, firstLeaf)) - 1 : 0;
  const upper = firstLeaf < endLeaf ? await seqOfLeaf(db, endLeaf - 1) : 0;
  let leaf = firstLeaf;

  const enc = new TextEncoder();
  let stage: "head" | "events" | "done" = "head";
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (stage === "head") {
            controller.enqueue(enc.encode(head.join("\n") + "\n"));
            stage = "events";
            return;
          }
          // A pull must enqueue something or the stream stalls: an empty read goes on to the end.
          while (stage === "events" && last < upper) {
            const rows = await db.select().from(auditEvents).where(and(gte(auditEvents.seq, last + 1), lte(auditEvents.seq, upper))).orderBy(asc(auditEvents.seq)).limit(CHUNK);
            last = rows.length ? rows[rows.length - 1].seq : upper;
            if (rows.length === 0) break;
            controller.enqueue(enc.encode(rows.map((e) => JSON.stringify({ event: { ...e, occurredAt: e.occurredAt.toISOString(), leaf: leaf++ } })).join("\n") + "\n"));
            return;
          }
          // Recorded before the last line goes out: every complete bundle has its event in the trail.
          await recordAudit(db, {
            actor: { kind: "person", id: opts.person.id, label: opts.person.email },
            action: "audit.bundle_exported",
            detail: { from: period.from, to: period.to, firstLeaf, endLeaf, treeSize, checkpoints: cps.length },
            requestId: opts.meta?.requestId ?? null,
            ip: opts.meta?.ip ?? null,
          });
          controller.enqueue(enc.encode(range + "\n"));
          stage = "done";
          controller.close();
        } catch (err) {
          // A bundle cut short lacks its range line, which the verifier reports as truncated.
          console.error(`[warden] evidence bundle ${opts.meta?.requestId ?? "-"} aborted:`, err);
          controller.error(err);
        }
      },
    },
    { highWaterMark: 1 },
  );
  const stamp = createdAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return { stream, filename: `warden-evidence-${stamp}-leaves${firstLeaf}-${endLeaf}.ndjson`, contentType: "application/x-ndjson; charset=utf-8", treeSize };
}
