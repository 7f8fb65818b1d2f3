import { and, desc, eq, gte, inArray, like, lt, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { listQuery, offsetOf, searchAny, type Page } from "./list";

/** Counting stops here: an exact count of millions of events costs a full scan for a number nobody reads. */
export const AUDIT_COUNT_CAP = 10_000;

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
    message: `Pages reach back ${AUDIT_COUNT_CAP.toLocaleString("en-US")} events; narrow with filters, from/to or toSeq`,
  });
export type AuditListQuery = z.infer<typeof auditListSchema>;

export type AuditRow = typeof auditEvents.$inferSelect;
export type AuditPage = Page<AuditRow> & { totalCapped: boolean };

function auditWhere(q: AuditListQuery): SQL | undefined {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [auditEvents.action, auditEvents.actorLabel, auditEvents.targetId]),
    q.actorKind ? eq(auditEvents.actorKind, q.actorKind) : undefined,
    q.actorId ? eq(auditEvents.actorId, q.actorId) : undefined,
    q.agentId ? eq(auditEvents.agentId, q.agentId) : undefined,
    q.sessionId ? eq(auditEvents.sessionId, q.sessionId) : undefined,
    q.action ? like(auditEvents.action, `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
    q.from ? gte(auditEvents.occurredAt, new Date(q.from)) : undefined,
    q.to ? lt(auditEvents.occurredAt, new Date(q.to)) : undefined,
    q.seq ? eq(auditEvents.seq, q.seq) : undefined,
    q.toSeq ? lte(auditEvents.seq, q.toSeq) : undefined,
  ];
  return and(...conds.filter(Boolean));
}

/**
 * The trail, newest first by seq. The page's seqs come from a walk of the seq primary key (or of
 * the agent / actor / session / time index when the planner finds a filter selective), then the
 * full rows (detail can be large) are read for that page only. The count stops at
 * AUDIT_COUNT_CAP + 1 so it stays cheap on millions of rows; `totalCapped` says it stopped.
 */
export async function listAudit(db: Executor, q: AuditListQuery): Promise<AuditPage> {
  const where = auditWhere(q);
  const pageSeqs = db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.seq))
    .limit(q.pageSize)
    .offset(offsetOf(q.page, q.pageSize));
  const counted = db
    .select({ one: sql`1`.as("one") })
    .from(auditEvents)
    .where(where)
    .limit(AUDIT_COUNT_CAP + 1)
    .as("counted");
  const [items, [{ n }]] = await Promise.all([
    db.select().from(auditEvents).where(inArray(auditEvents.seq, pageSeqs)).orderBy(desc(auditEvents.seq)),
    db.select({ n: sql<number>`count(*)::int` }).from(counted),
  ]);
  const totalCapped = n > AUDIT_COUNT_CAP;
  return { items, total: totalCapped ? AUDIT_COUNT_CAP : n, totalCapped, page: q.page, pageSize: q.pageSize };
}
