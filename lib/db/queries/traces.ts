import { desc, eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import type { SessionSpan } from "@/lib/domain/traces";
import { decisions, traceSpans } from "@/lib/db/schema";

export const TRACE_SPANS_PAGE = 200;

/**
 * A session's spans from the agent's own traces, newest first, with the decision each tool call
 * was joined to. Spans can arrive late and out of order, so they are a list of their own rather
 * than merged into the live decision timeline (whose "newer than" cursor would skip them).
 */
export async function sessionSpans(db: Executor, sessionId: string, limit = TRACE_SPANS_PAGE): Promise<SessionSpan[]> {
  return db
    .select({
      id: traceSpans.id,
      traceId: traceSpans.traceId,
      spanId: traceSpans.spanId,
      name: traceSpans.name,
      kind: traceSpans.kind,
      tool: traceSpans.tool,
      connector: traceSpans.connector,
      startedAt: traceSpans.startedAt,
      endedAt: traceSpans.endedAt,
      status: traceSpans.status,
      checked: traceSpans.checked,
      decisionId: traceSpans.decisionId,
      decisionOutcome: decisions.outcome,
      // flagged: unchecked past the grace period (a finding was raised)
      flagged: sql<boolean>`${traceSpans.flaggedAt} is not null`,
    })
    .from(traceSpans)
    .leftJoin(decisions, eq(decisions.id, traceSpans.decisionId))
    .where(eq(traceSpans.sessionId, sessionId))
    .orderBy(desc(traceSpans.startedAt), desc(traceSpans.id))
    .limit(limit);
}
export type { SessionSpan } from "@/lib/domain/traces";
