import { and, desc, eq, gt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/lib/db/client";
import { agents, connectors, credentials, decisions, escalations, findings, sessionIntents, sessions } from "@/lib/db/schema";
import { credentialStatusSql } from "./credentials";
import { dateRange, listQuery, offsetOf, orderBy, searchAny, withinRange, type Page } from "./list";

export const sessionListSchema = listQuery.extend({
  status: z.enum(["pending", "active", "ended", "expired", "denied"]).optional(),
  agentId: z.uuid().optional(),
  hasDenials: z.enum(["true"]).optional(),
  hasEscalation: z.enum(["open"]).optional(),
  hasDrift: z.enum(["true"]).optional(),
  since: z.enum(["1h", "24h", "7d", "30d"]).optional(),
  // Started in [from, to).
  ...dateRange,
  // Sessions with a call outside their intent decided in [driftFrom, driftTo) (implies hasDrift):
  // what a report counts as "sessions with calls outside their intent" in its period.
  driftFrom: dateRange.from,
  driftTo: dateRange.to,
  sort: z.enum(["startedAt", "lastActivityAt", "decisionCount", "denyCount"]).default("startedAt"),
  dir: z.enum(["asc", "desc"]).default("desc"),
});
export type SessionListQuery = z.infer<typeof sessionListSchema>;

export type SessionRow = {
  id: string;
  agentId: string;
  agentName: string;
  status: string;
  goal: string;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  lastActivityAt: Date | null;
  decisionCount: number;
  denyCount: number;
  escalationCount: number;
  parentSessionId: string | null;
};

const SINCE_MS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;

const sortable = {
  startedAt: sessions.startedAt,
  lastActivityAt: sessions.lastActivityAt,
  decisionCount: sessions.decisionCount,
  denyCount: sessions.denyCount,
};

export async function listSessions(db: Executor, q: SessionListQuery): Promise<Page<SessionRow>> {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [sessions.goal, agents.name]),
    q.status ? eq(sessions.status, q.status) : undefined,
    q.agentId ? eq(sessions.agentId, q.agentId) : undefined,
    q.hasDenials ? gt(sessions.denyCount, 0) : undefined,
    // Both backed by partial indexes (migration 0009).
    q.hasEscalation ? sql`exists (select 1 from escalations e where e.session_id = ${sessions.id} and e.status = 'pending')` : undefined,
    q.hasDrift || q.driftFrom || q.driftTo
      ? sql`exists (select 1 from decisions d where d.session_id = ${sessions.id} and d.diff is not null${q.driftFrom ? sql` and d.created_at >= ${new Date(q.driftFrom).toISOString()}::timestamptz` : sql``}${q.driftTo ? sql` and d.created_at < ${new Date(q.driftTo).toISOString()}::timestamptz` : sql``})`
      : undefined,
    q.since ? gt(sessions.startedAt, new Date(Date.now() - SINCE_MS[q.since])) : undefined,
    withinRange(sessions.startedAt, q.from, q.to),
  ];
  const where = and(...conds.filter(Boolean));
  const [items, [{ total }]] = await Promise.all([
    db
      .select({
        id: sessions.id,
        agentId: sessions.agentId,
        agentName: agents.name,
        status: sessions.status,
        goal: sessions.goal,
        startedAt: sessions.startedAt,
        expiresAt: sessions.expiresAt,
        endedAt: sessions.endedAt,
        lastActivityAt: sessions.lastActivityAt,
        decisionCount: sessions.decisionCount,
        denyCount: sessions.denyCount,
        escalationCount: sessions.escalationCount,
        parentSessionId: sessions.parentSessionId,
      })
      .from(sessions)
      .innerJoin(agents, eq(agents.id, sessions.agentId))
      .where(where)
      .orderBy(...orderBy(sortable[q.sort], q.dir, sessions.id))
      .limit(q.pageSize)
      .offset(offsetOf(q.page, q.pageSize)),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(sessions)
      .innerJoin(agents, eq(agents.id, sessions.agentId))
      .where(where),
  ]);
  return { items, total, page: q.page, pageSize: q.pageSize };
}

export async function getSessionDetail(db: Executor, id: string) {
  const [s] = await db
    .select({ session: sessions, agentName: agents.name, agentRisk: agents.riskTier, agentStatus: agents.status })
    .from(sessions)
    .innerJoin(agents, eq(agents.id, sessions.agentId))
    .where(eq(sessions.id, id));
  if (!s) return undefined;
  const [intents, children, creds, sessionFindings, sessionEscalations] = await Promise.all([
    db.select().from(sessionIntents).where(eq(sessionIntents.sessionId, id)).orderBy(sessionIntents.version),
    db.select({ id: sessions.id, goal: sessions.goal, status: sessions.status }).from(sessions).where(eq(sessions.parentSessionId, id)),
    // Credentials issued for this session's task, with how each one ended.
    db
      .select({
        id: credentials.id,
        name: credentials.name,
        kind: credentials.kind,
        prefix: credentials.prefix,
        scope: credentials.scope,
        connector: connectors.name,
        issuedAt: credentials.issuedAt,
        expiresAt: credentials.expiresAt,
        revokedAt: credentials.revokedAt,
        status: credentialStatusSql,
        revokedByKind: credentials.revokedByKind,
        revokeReason: credentials.revokeReason,
      })
      .from(credentials)
      .leftJoin(connectors, eq(connectors.id, credentials.connectorId))
      .where(eq(credentials.sessionId, id))
      .orderBy(desc(credentials.issuedAt)),
    // What the detectors raised about this session.
    db
      .select({ id: findings.id, kind: findings.kind, severity: findings.severity, status: findings.status, title: findings.title, occurrences: findings.occurrences, lastSeenAt: findings.lastSeenAt })
      .from(findings)
      .where(eq(findings.sessionId, id))
      .orderBy(desc(findings.lastSeenAt))
      .limit(50),
    // What this session asked a person for, and what became of it.
    db
      .select({ id: escalations.id, kind: escalations.kind, status: escalations.status, action: escalations.action, reasons: escalations.reasons, risk: escalations.risk, createdAt: escalations.createdAt, resolvedAt: escalations.resolvedAt, resolution: escalations.resolution })
      .from(escalations)
      .where(eq(escalations.sessionId, id))
      .orderBy(desc(escalations.createdAt))
      .limit(100),
  ]);
  return { ...s, intents, children, credentials: creds, findings: sessionFindings, escalations: sessionEscalations };
}

/** Whether a session exists: the session's sub-resources answer 404 for an unknown id. */
export async function sessionExists(db: Executor, id: string): Promise<boolean> {
  const [s] = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, id));
  return !!s;
}
