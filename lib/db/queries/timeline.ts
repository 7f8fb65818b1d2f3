import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/lib/db/client";
import { decisions } from "@/lib/db/schema";

export const TIMELINE_PAGE = 200;
const MAX_NEWER = 500;

// A position in a session's timeline: the decision's time and id (ids break ties).
const cursor = z
  .string()
  .max(100)
  .regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z\|[0-9a-f-]{36}$/i, "a cursor from a previous page")
  .transform((s) => {
    const [at, id] = s.split("|");
    return { at: new Date(at), id };
  });

export const timelineQuerySchema = z.object({
  before: cursor.optional(),
  after: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(TIMELINE_PAGE).default(TIMELINE_PAGE),
});
export type TimelineQuery = z.infer<typeof timelineQuerySchema>;

const columns = {
  id: decisions.id,
  createdAt: decisions.createdAt,
  connector: decisions.connector,
  tool: decisions.tool,
  operation: decisions.operation,
  resource: decisions.resource,
  sensitivity: decisions.sensitivity,
  destination: decisions.destination,
  outcome: decisions.outcome,
  reasons: decisions.reasons,
  diff: decisions.diff,
  escalationId: decisions.escalationId,
  grantId: decisions.grantId,
  latencyUs: decisions.latencyUs,
};
export type TimelineItem = { [K in keyof typeof columns]: (typeof decisions.$inferSelect)[K extends "id" ? "id" : K] };

export const cursorOf = (d: { createdAt: Date; id: string }) => `${d.createdAt.toISOString()}|${d.id}`;

/**
 * One page of a session's tool calls, newest first. `before`: the page older than a cursor
 * (scrolling back); `after`: everything newer than a cursor, up to 500 (a live view catching up).
 */
export async function sessionTimeline(db: Executor, sessionId: string, q: TimelineQuery) {
  const bySession = eq(decisions.sessionId, sessionId);
  if (q.after) {
    const rows = await db
      .select(columns)
      .from(decisions)
      .where(and(bySession, sql`(${decisions.createdAt}, ${decisions.id}) > (${q.after.at.toISOString()}::timestamptz, ${q.after.id}::uuid)`))
      .orderBy(asc(decisions.createdAt), asc(decisions.id))
      .limit(MAX_NEWER);
    return { items: rows.reverse(), nextCursor: null as string | null, complete: rows.length < MAX_NEWER };
  }
  const rows = await db
    .select(columns)
    .from(decisions)
    .where(q.before ? and(bySession, sql`(${decisions.createdAt}, ${decisions.id}) < (${q.before.at.toISOString()}::timestamptz, ${q.before.id}::uuid)`) : bySession)
    .orderBy(desc(decisions.createdAt), desc(decisions.id))
    .limit(q.limit);
  return { items: rows, nextCursor: rows.length === q.limit ? cursorOf(rows[rows.length - 1]) : null, complete: true };
}
