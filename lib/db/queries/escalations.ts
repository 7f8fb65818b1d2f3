import { and, asc, eq, gt, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/lib/db/client";
import type { EscalationSummary } from "@/lib/domain/escalations";
import { agents, escalations, sessions, type ActionShape, type DiffEntry, type Intent, type Reason } from "@/lib/db/schema";
import { dateRange, listQuery, offsetOf, searchAny, withinRange, type Page } from "./list";

export const ESCALATION_STATUSES = ["pending", "approved", "denied", "expired"] as const;
export const ESCALATION_KINDS = ["action", "intent_change", "session_open"] as const;
export const RISK_TIERS = ["high", "medium", "low"] as const;

export const escalationListSchema = listQuery.extend({
  // Default view: the queue, what still waits for a person.
  status: z.enum([...ESCALATION_STATUSES, "all"]).default("pending"),
  risk: z.enum(RISK_TIERS).optional(),
  kind: z.enum(ESCALATION_KINDS).optional(),
  agentId: z.uuid().optional(),
  // Raised in [from, to): created_at.
  ...dateRange,
});
export type EscalationListQuery = z.infer<typeof escalationListSchema>;

export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];
export type EscalationKind = (typeof ESCALATION_KINDS)[number];
/** What a person is asked to allow: a tool call, a wider intent, or a session's opening intent. */
export type EscalationAsk = ActionShape | { from: Intent; to: Intent; version: number } | Intent;

export type EscalationRow = {
  id: string;
  kind: EscalationKind;
  status: EscalationStatus;
  risk: "low" | "medium" | "high";
  requiredApprovals: number;
  approvals: number;
  agent: { id: string; name: string; team: string; riskTier: "low" | "medium" | "high" };
  sessionId: string;
  sessionGoal: string;
  action: EscalationAsk;
  reasons: Reason[];
  diff: DiffEntry[] | null;
  createdAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
};

// Unanswered past its expiry counts as expired before the sweeper gets to mark it, so the queue
// never offers a request the agent has already stopped waiting for.
const livePending = (now: Date) => and(eq(escalations.status, "pending"), gt(escalations.expiresAt, now));
const lapsed = (now: Date) => and(eq(escalations.status, "pending"), lte(escalations.expiresAt, now));

function statusFilter(status: EscalationListQuery["status"], now: Date): SQL | undefined {
  if (status === "all") return undefined;
  if (status === "pending") return livePending(now);
  if (status === "expired") return or(eq(escalations.status, "expired"), lapsed(now));
  return eq(escalations.status, status);
}

const effectiveStatus = (now: Date) =>
  sql<EscalationStatus>`case when ${escalations.status} = 'pending' and ${escalations.expiresAt} <= ${now.toISOString()}::timestamptz then 'expired' else ${escalations.status}::text end`;

/**
 * The queue order: live pending first, oldest first (who has waited longest); then everything
 * answered, most recently answered first (a lapsed request counts as answered at its expiry).
 */
const queueOrder = (now: Date): SQL[] => {
  const isLive = sql`(${escalations.status} = 'pending' and ${escalations.expiresAt} > ${now.toISOString()}::timestamptz)`;
  return [
    sql`case when ${isLive} then 0 else 1 end`,
    sql`case when ${isLive} then ${escalations.createdAt} end asc`,
    sql`coalesce(${escalations.resolvedAt}, ${escalations.expiresAt}) desc`,
    asc(escalations.id),
  ];
};

// Counted per page row only; one vote per person per escalation (unique index).
const approvalCount = sql<number>`(select count(*)::int from escalation_votes v where v.escalation_id = ${escalations.id} and v.vote = 'approve')`;

/** session_open stores `{ intent }`; the list hands out the intent itself. */
export function askOf(kind: EscalationKind, stored: unknown): EscalationAsk {
  const a = (stored ?? {}) as Record<string, unknown>;
  if (kind === "session_open" && a.intent && typeof a.intent === "object") return a.intent as Intent;
  return a as EscalationAsk;
}

export async function listEscalations(db: Executor, q: EscalationListQuery, now = new Date()): Promise<Page<EscalationRow>> {
  const where = and(
    ...[
      statusFilter(q.status, now),
      q.risk ? eq(escalations.risk, q.risk) : undefined,
      q.kind ? eq(escalations.kind, q.kind) : undefined,
      q.agentId ? eq(escalations.agentId, q.agentId) : undefined,
      withinRange(escalations.createdAt, q.from, q.to),
      searchAny(q.q, [agents.name, sessions.goal]),
    ].filter(Boolean),
  );
  const [raw, [{ total }]] = await Promise.all([
    db
      .select({
        id: escalations.id,
        kind: escalations.kind,
        status: effectiveStatus(now),
        risk: escalations.risk,
        requiredApprovals: escalations.requiredApprovals,
        approvals: approvalCount,
        agentId: agents.id,
        agentName: agents.name,
        agentTeam: agents.team,
        agentRiskTier: agents.riskTier,
        sessionId: escalations.sessionId,
        sessionGoal: sessions.goal,
        action: escalations.action,
        reasons: escalations.reasons,
        diff: escalations.diff,
        createdAt: escalations.createdAt,
        expiresAt: escalations.expiresAt,
        resolvedAt: escalations.resolvedAt,
        resolution: escalations.resolution,
      })
      .from(escalations)
      .innerJoin(agents, eq(agents.id, escalations.agentId))
      .innerJoin(sessions, eq(sessions.id, escalations.sessionId))
      .where(where)
      .orderBy(...queueOrder(now))
      .limit(q.pageSize)
      .offset(offsetOf(q.page, q.pageSize)),
    // The joins matter to the count only when the search reads the agent's name or the goal.
    q.q
      ? db
          .select({ total: sql<number>`count(*)::int` })
          .from(escalations)
          .innerJoin(agents, eq(agents.id, escalations.agentId))
          .innerJoin(sessions, eq(sessions.id, escalations.sessionId))
          .where(where)
      : db.select({ total: sql<number>`count(*)::int` }).from(escalations).where(where),
  ]);
  const items = raw.map(({ agentId, agentName, agentTeam, agentRiskTier, ...r }) => ({
    ...r,
    approvals: Number(r.approvals),
    agent: { id: agentId, name: agentName, team: agentTeam, riskTier: agentRiskTier },
    action: askOf(r.kind, r.action),
  }));
  return { items, total, page: q.page, pageSize: q.pageSize };
}

export type { EscalationSummary } from "@/lib/domain/escalations";

/** The nav badge's counts: live pending only, read off escalations_queue_idx (status, created_at). */
export async function escalationSummary(db: Executor, now = new Date()): Promise<EscalationSummary> {
  const [row] = await db
    .select({
      pending: sql<number>`count(*)::int`,
      pendingHighRisk: sql<number>`(count(*) filter (where ${escalations.risk} = 'high'))::int`,
    })
    .from(escalations)
    .where(livePending(now));
  return { pending: Number(row?.pending ?? 0), pendingHighRisk: Number(row?.pendingHighRisk ?? 0) };
}
