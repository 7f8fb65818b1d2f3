import { and, desc, eq, gt, gte, inArray, like, lt, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { listQuery, offsetOf, searchAny, type Page } from "./list";
import { formatCount } from "@/lib/format";

/** Counting stops here: an exact count of millions of events costs a full scan for a number nobody reads. */
export const AUDIT_COUNT_CAP = 10_000;
/** Unindexed filters (text, actor kind, action) are counted within this many newest events. */
export const COUNT_SCAN_BUDGET = 100_000;
/** A time range holding up to this many events is read through the time index first. */
const RANGE_PROBE_MAX = 100_000;

export const AUDIT_ACTOR_KINDS = ["person", "agent", "system"] as const;

const seqParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const auditListSchema = listQuery
  .omit({ dir: true })
  .extend({
    actorKind: z.enum(AUDIT_ACTOR_KINDS).optional(),
    actorId: z.string().trim().min(1).max(200).optional(),
    agentId: z.uuid().optional(),
    sessionId: z.uuid().optional(),
    // A prefix of the dotted verb: "decision." or "agent.quarantined".
    action: z
      .string()
      .trim()
      .toLowerCase()
      .max(100)
      .regex(/^[a-z0-9_]+(\.[a-z0-9_]*)*$/, "Use a dotted action prefix such as decision. or agent.")
      .optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    // One event, or the chain up to and including one event (seek instead of deep pages).
    seq: seqParam.optional(),
    toSeq: seqParam.optional(),
  })
  // Deep OFFSETs scan everything they skip; beyond the counted window, seek with toSeq or from/to.
  .refine((q) => offsetOf(q.page, q.pageSize) < AUDIT_COUNT_CAP, {
    path: ["page"],
    message: `Pages reach back ${formatCount(AUDIT_COUNT_CAP)} events; narrow with filters, from/to or toSeq`,
  });
export type AuditListQuery = z.infer<typeof auditListSchema>;
/** The filtering part of a list query (no paging): what an export applies. */
export type AuditFilters = Omit<AuditListQuery, "page" | "pageSize">;

export type AuditRow = typeof auditEvents.$inferSelect;
export type AuditPage = Page<AuditRow> & { totalCapped: boolean };

function timeRange(q: AuditFilters): SQL | undefined {
  return and(q.from ? gte(auditEvents.occurredAt, new Date(q.from)) : undefined, q.to ? lt(auditEvents.occurredAt, new Date(q.to)) : undefined);
}

/** The list's filters as one condition (shared with the export, lib/audit/export.ts). */
export function auditWhere(q: AuditFilters): SQL | undefined {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [auditEvents.action, auditEvents.actorLabel, auditEvents.targetId]),
    q.actorKind ? eq(auditEvents.actorKind, q.actorKind) : undefined,
    q.actorId ? eq(auditEvents.actorId, q.actorId) : undefined,
    q.agentId ? eq(auditEvents.agentId, q.agentId) : undefined,
    q.sessionId ? eq(auditEvents.sessionId, q.sessionId) : undefined,
    q.action ? like(auditEvents.action, `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
    timeRange(q),
    q.seq ? eq(auditEvents.seq, q.seq) : undefined,
    q.toSeq ? lte(auditEvents.seq, q.toSeq) : undefined,
  ];
  return and(...conds.filter(Boolean));
}

/**
 * Steers the two cases where the planner's default (walk seq down from the newest event and
 * filter) reads far too much:
 * - a time range of up to RANGE_PROBE_MAX events, possibly long ago: its seqs come from the time
 *   index first (`= any(array(...))` is evaluated once, then probed on the primary key). A larger
 *   range keeps the default walk, which is quick when the range is recent (the usual question);
 *   a large range far back is the slow case left — add toSeq to start the walk nearer to it;
 * - only unindexed filters (text, actor kind, action): a rare match would make the count read the
 *   whole table, so it counts within the newest COUNT_SCAN_BUDGET events and says "at least".
 */
async function plan(db: Executor, q: AuditListQuery, budget: number): Promise<{ page?: SQL; count?: SQL; windowCut: boolean }> {
  const range = timeRange(q);
  if (range && !q.seq) {
    const inRange = db.select({ one: sql`1`.as("one") }).from(auditEvents).where(range).limit(RANGE_PROBE_MAX + 1).as("in_range");
    const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(inRange);
    if (n > RANGE_PROBE_MAX) return { windowCut: false };
    const seqs = sql`${auditEvents.seq} = any(array(${db.select({ seq: auditEvents.seq }).from(auditEvents).where(range)}))`;
    return { page: seqs, count: seqs, windowCut: false };
  }
  const indexed = q.agentId || q.sessionId || q.actorId || q.seq;
  if (indexed || !(q.q || q.actorKind || q.action)) return { windowCut: false };
  const [{ lo, hi }] = await db
    .select({ lo: sql<number | null>`min(${auditEvents.seq})::float8`, hi: sql<number | null>`max(${auditEvents.seq})::float8` })
    .from(auditEvents);
  if (lo === null || hi === null) return { windowCut: false };
  const floor = Math.min(q.toSeq ?? hi, hi) - budget;
  return floor < lo ? { windowCut: false } : { count: gt(auditEvents.seq, floor), windowCut: true };
}

/**
 * The trail, newest first by seq. The page's seqs come from a walk of the seq primary key (or of
 * the agent / actor / session / time index when a filter is selective), then the full rows
 * (detail can be large) are read for that page only. The count stops at AUDIT_COUNT_CAP + 1 and
 * reads at most COUNT_SCAN_BUDGET events for unindexed filters; `totalCapped` says "at least".
 */
export async function listAudit(db: Executor, q: AuditListQuery, countScanBudget = COUNT_SCAN_BUDGET): Promise<AuditPage> {
  const where = auditWhere(q);
  const steer = await plan(db, q, countScanBudget);
  const offset = offsetOf(q.page, q.pageSize);
  const pageSeqs = db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(where, steer.page))
    .orderBy(desc(auditEvents.seq))
    .limit(q.pageSize)
    .offset(offset);
  const counted = db
    .select({ one: sql`1`.as("one") })
    .from(auditEvents)
    .where(and(where, steer.count))
    .limit(AUDIT_COUNT_CAP + 1)
    .as("counted");
  const [items, [{ n }]] = await Promise.all([
    db.select().from(auditEvents).where(inArray(auditEvents.seq, pageSeqs)).orderBy(desc(auditEvents.seq)),
    db.select({ n: sql<number>`count(*)::int` }).from(counted),
  ]);
  // A short page is the end of the (never windowed) page walk, so it gives the exact total.
  if (items.length < q.pageSize && (items.length > 0 || offset === 0)) {
    return { items, total: offset + items.length, totalCapped: false, page: q.page, pageSize: q.pageSize };
  }
  const totalCapped = n > AUDIT_COUNT_CAP || steer.windowCut;
  // A windowed count can be below what this page already shows: never claim fewer than that.
  const total = Math.min(AUDIT_COUNT_CAP, Math.max(n, offset + items.length));
  return { items, total, totalCapped, page: q.page, pageSize: q.pageSize };
}
