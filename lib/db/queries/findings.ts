import { and, eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { rows, type Executor } from "@/lib/db/client";
import { agents, findings, users } from "@/lib/db/schema";
import { dateRange, listQuery, offsetOf, orderBy, searchAny, withinRange, type Page } from "./list";

export const FINDING_STATUSES = ["open", "acknowledged", "resolved"] as const;
export const FINDING_SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;

export const findingListSchema = listQuery.extend({
  // Default view: what still needs someone (open and acknowledged).
  status: z.enum([...FINDING_STATUSES, "unresolved", "all"]).default("unresolved"),
  severity: z.enum(FINDING_SEVERITIES).optional(),
  kind: z.string().trim().max(100).regex(/^[a-z_]+$/).optional(),
  agentId: z.uuid().optional(),
  assigneeId: z.union([z.uuid(), z.literal("none")]).optional(),
  // First seen in [from, to): what a report counts as raised in its period.
  ...dateRange,
  sort: z.enum(["lastSeenAt", "severity", "firstSeenAt", "occurrences"]).default("lastSeenAt"),
  dir: z.enum(["asc", "desc"]).default("desc"),
});
export type FindingListQuery = z.infer<typeof findingListSchema>;

const assignee = alias(users, "assignee");

const columns = {
  id: findings.id,
  kind: findings.kind,
  severity: findings.severity,
  status: findings.status,
  title: findings.title,
  agentId: findings.agentId,
  agentName: agents.name,
  sessionId: findings.sessionId,
  credentialId: findings.credentialId,
  connectorId: findings.connectorId,
  frameworkRefs: findings.frameworkRefs,
  assigneeId: findings.assigneeId,
  assigneeName: assignee.name,
  occurrences: findings.occurrences,
  firstSeenAt: findings.firstSeenAt,
  lastSeenAt: findings.lastSeenAt,
  resolvedAt: findings.resolvedAt,
  resolutionNote: findings.resolutionNote,
  // The fixes a detector named (lib/domain/findings.ts), for the row's links; not the whole detail.
  fix: sql<unknown>`${findings.detail} -> 'fix'`,
};
// Findings with their agent's and assignee's names.
const base = (db: Executor) => db.select(columns).from(findings).leftJoin(agents, eq(agents.id, findings.agentId)).leftJoin(assignee, eq(assignee.id, findings.assigneeId));
export type FindingRow = Awaited<ReturnType<typeof base>>[number];

// Severity sorts by rank, not alphabetically.
const severityRank = sql`array_position(array['info','low','medium','high','critical']::severity[], ${findings.severity})`;
const sortable = { lastSeenAt: findings.lastSeenAt, firstSeenAt: findings.firstSeenAt, occurrences: findings.occurrences };

export async function listFindings(db: Executor, q: FindingListQuery): Promise<Page<FindingRow>> {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [findings.title, findings.kind]),
    q.status === "all" ? undefined : q.status === "unresolved" ? sql`${findings.status} <> 'resolved'` : eq(findings.status, q.status),
    q.severity ? eq(findings.severity, q.severity) : undefined,
    q.kind ? eq(findings.kind, q.kind) : undefined,
    q.agentId ? eq(findings.agentId, q.agentId) : undefined,
    q.assigneeId === "none" ? sql`${findings.assigneeId} is null` : q.assigneeId ? eq(findings.assigneeId, q.assigneeId) : undefined,
    withinRange(findings.firstSeenAt, q.from, q.to),
  ];
  const where = and(...conds.filter(Boolean));
  const order =
    q.sort === "severity"
      ? [sql`${severityRank} ${sql.raw(q.dir)}`, sql`${findings.lastSeenAt} desc`, sql`${findings.id} desc`]
      : orderBy(sortable[q.sort], q.dir, findings.id);
  const [items, [{ total }]] = await Promise.all([
    base(db).where(where).orderBy(...order).limit(q.pageSize).offset(offsetOf(q.page, q.pageSize)),
    db.select({ total: sql<number>`count(*)::int` }).from(findings).where(where),
  ]);
  return { items, total, page: q.page, pageSize: q.pageSize };
}

export async function getFinding(db: Executor, id: string) {
  const [row] = await db
    .select({ ...columns, detail: findings.detail, decisionId: findings.decisionId })
    .from(findings)
    .leftJoin(agents, eq(agents.id, findings.agentId))
    .leftJoin(assignee, eq(assignee.id, findings.assigneeId))
    .where(eq(findings.id, id));
  return row;
}

/** The kinds of finding on record, for the list's filter. */
export async function findingKinds(db: Executor): Promise<string[]> {
  return rows<{ kind: string }>(await db.execute(sql`select distinct kind from findings order by kind`)).map((k) => k.kind);
}
