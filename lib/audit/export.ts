import { createHash } from "node:crypto";
import { and, asc, desc, gt, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { parseWith, type RequestMeta } from "@/lib/domain/request";
import type { Executor } from "@/lib/db/client";
import { auditListSchema, auditWhere, type AuditFilters } from "@/lib/db/queries/audit";
import { auditEvents } from "@/lib/db/schema";
import {
  csvEvent, csvPreamble, csvTrailer, jsonEvent, jsonEventsEnd, jsonPreamble, jsonTrailer,
  type ChainHead, type ExportFormat, type ExportHeader,
} from "./export-format";
import { recordAudit } from "./record";

export const exportFormatSchema = z.object({ format: z.enum(["csv", "json"]) });

/** Rows per query. */
export const EXPORT_CHUNK = 1000;
/**
 * Seqs per query: each read is bounded to `seq in (last, last + window]` as well as by LIMIT, so
 * a rare filter over millions of events costs many small range reads, never one long scan.
 */
export const EXPORT_SEQ_WINDOW = 50_000;

/**
 * The list's filters from a query string, paging and `format` ignored, validated by the list's
 * schema (DomainError validation_failed, a 400, on bad input); unset ones dropped so the export header names only what applies.
 */
export function exportFilters(params: Record<string, string>): AuditFilters {
  const { page: _p, pageSize: _s, format: _f, ...rest } = params;
  const { page: _pp, pageSize: _ss, ...filters } = parseWith(auditListSchema, rest);
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as AuditFilters;
}

export type ExportOptions = {
  format: ExportFormat;
  filters: AuditFilters;
  person: { id: string; email: string };
  meta?: RequestMeta;
  chunkSize?: number;
  seqWindow?: number;
};

export type AuditExport = {
  stream: ReadableStream<Uint8Array>;
  filename: string;
  contentType: string;
  chainHead: ChainHead;
};

/**
 * Starts an export: reads the chain head first (the newest seq and its hash), then streams every
 * matching event with seq <= head in seq order by keyset (`seq > last`), one chunk per pull, so
 * memory stays at one chunk whatever the size and a slow reader slows the reads. Writers append
 * under one lock in seq order (lib/audit/record.ts), so events up to the head are a fixed prefix:
 * the file is a consistent snapshot without a long transaction. Once the last row is out, the
 * digest is written to the trail as `audit.exported` and then appended to the file.
 */
export async function startAuditExport(db: Executor, opts: ExportOptions): Promise<AuditExport> {
  const chunk = opts.chunkSize ?? EXPORT_CHUNK;
  const window = opts.seqWindow ?? EXPORT_SEQ_WINDOW;
  const [top] = await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  const [{ lo }] = await db.select({ lo: sql<number | null>`min(${auditEvents.seq})::float8` }).from(auditEvents);
  const chainHead: ChainHead = top ? { seq: top.seq, hash: top.hash } : null;
  const generatedAt = new Date();
  const header: ExportHeader = {
    filters: opts.filters,
    chainHead,
    generatedAt: generatedAt.toISOString(),
    generatedBy: { id: opts.person.id, email: opts.person.email },
  };

  const f = opts.filters;
  // seq / toSeq narrow the walk itself; everything else is a condition on each read.
  const upper = Math.min(chainHead?.seq ?? 0, f.toSeq ?? Infinity, f.seq ?? Infinity);
  let last = Math.max((lo ?? 1) - 1, (f.seq ?? 0) - 1);
  const where = auditWhere(f);

  const encoder = new TextEncoder();
  const digest = createHash("sha256");
  let events = 0;
  let started = false;
  let finished = false;
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, text: string, hashed = true) => {
    const bytes = encoder.encode(text);
    if (hashed) digest.update(bytes);
    controller.enqueue(bytes);
  };

  /** The next chunk of matching rows, skipping empty seq windows; [] once past the head. */
  async function nextRows() {
    while (last < upper) {
      const top = Math.min(last + window, upper);
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(where, gt(auditEvents.seq, last), lte(auditEvents.seq, top)))
        .orderBy(asc(auditEvents.seq))
        .limit(chunk);
      last = rows.length === chunk ? rows[rows.length - 1].seq : top;
      if (rows.length > 0) return rows;
    }
    return [];
  }

  async function finish(controller: ReadableStreamDefaultController<Uint8Array>) {
    if (opts.format === "json") emit(controller, jsonEventsEnd(events > 0));
    const sha256 = digest.digest("hex");
    // Recorded before the digest goes out: every complete file has its event in the trail.
    await recordAudit(db, {
      actor: { kind: "person", id: opts.person.id, label: opts.person.email },
      action: "audit.exported",
      detail: { format: opts.format, filters: opts.filters, chainHead, sha256, events },
      requestId: opts.meta?.requestId ?? null,
      ip: opts.meta?.ip ?? null,
    });
    emit(controller, opts.format === "csv" ? csvTrailer(sha256) : jsonTrailer(sha256), false);
    finished = true;
    controller.close();
  }

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!started) {
            started = true;
            emit(controller, opts.format === "csv" ? csvPreamble(header) : jsonPreamble(header));
            return;
          }
          const rows = await nextRows();
          if (rows.length === 0) return await finish(controller);
          const text = opts.format === "csv" ? rows.map(csvEvent).join("") : rows.map((e, i) => jsonEvent(e, events + i === 0)).join("");
          events += rows.length;
          emit(controller, text);
        } catch (err) {
          // The client sees a cut-off download without the sha256 line, which it can detect.
          console.error(`[warden] audit export ${opts.meta?.requestId ?? "-"} aborted after ${events} events:`, err);
          if (!finished) controller.error(err);
        }
      },
    },
    // One chunk read ahead at most: memory stays bounded however large the export.
    { highWaterMark: 1 },
  );

  const stamp = header.generatedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return {
    stream,
    filename: `warden-audit-${stamp}-seq${chainHead?.seq ?? 0}.${opts.format}`,
    contentType: opts.format === "csv" ? "text/csv; charset=utf-8; header=present" : "application/json; charset=utf-8",
    chainHead,
  };
}
