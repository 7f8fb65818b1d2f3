import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { REPORT_EXPORTED } from "./export";

export const verifyExportSchema = z.object({
  sha256: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, "must be a SHA-256 in hex (64 characters)")
    .transform((s) => s.toLowerCase()),
});

export type ExportRecord = {
  auditEventId: string;
  seq: number;
  exportedAt: string;
  exportedBy: { kind: string; id: string | null; label: string };
  framework: string;
  format: string;
  period: { from: string; to: string };
  bytes: number;
  chainHead: { seq: number; hash: string };
};

export type VerifyExportResult = { sha256: string; found: boolean; exports: ExportRecord[] };

/**
 * Whether (and when, by whom) an export with these exact bytes was produced: the report.exported
 * events whose detail carries this SHA-256. Only events targeting a report are read, through the
 * (target_kind, target_id) index, so the search stays small however long the log grows. Byte-
 * identical exports (same JSON or CSV of the same state) all match, oldest first.
 */
export async function verifyExport(db: Executor, sha256: string): Promise<VerifyExportResult> {
  const found = await db
    .select({
      id: auditEvents.id,
      seq: auditEvents.seq,
      occurredAt: auditEvents.occurredAt,
      actorKind: auditEvents.actorKind,
      actorId: auditEvents.actorId,
      actorLabel: auditEvents.actorLabel,
      detail: auditEvents.detail,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetKind, "report"), eq(auditEvents.action, REPORT_EXPORTED), sql`${auditEvents.detail}->>'sha256' = ${sha256}`))
    .orderBy(asc(auditEvents.seq))
    .limit(100);
  const exports = found.map((e) => {
    const d = e.detail as { framework: string; format: string; from: string; to: string; bytes: number; chainHead: { seq: number; hash: string } };
    return {
      auditEventId: e.id,
      seq: e.seq,
      exportedAt: e.occurredAt.toISOString(),
      exportedBy: { kind: e.actorKind, id: e.actorId, label: e.actorLabel },
      framework: d.framework,
      format: d.format,
      period: { from: d.from, to: d.to },
      bytes: d.bytes,
      chainHead: d.chainHead,
    };
  });
  return { sha256, found: exports.length > 0, exports };
}
