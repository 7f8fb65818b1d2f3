import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { trustConfigs } from "@/lib/db/schema";
import { summarizeKeys } from "@/lib/domain/trust/key-summary";
import type { Jwks, TrustDetail, TrustListQuery, TrustRow } from "@/lib/domain/trust/schemas";
import { offsetOf, orderBy, searchAny, type Page } from "./list";

export type { TrustDetail, TrustRow } from "@/lib/domain/trust/schemas";

// The list leaves the key sets out: a row needs only how many keys there are.
const rowColumns = {
  id: trustConfigs.id,
  name: trustConfigs.name,
  kind: trustConfigs.kind,
  issuer: trustConfigs.issuer,
  trustDomain: trustConfigs.trustDomain,
  jwksUrl: trustConfigs.jwksUrl,
  inlineKeyCount: sql<number | null>`case when jsonb_typeof(${trustConfigs.jwks}->'keys') = 'array' then jsonb_array_length(${trustConfigs.jwks}->'keys') end`,
  audience: trustConfigs.audience,
  algorithms: trustConfigs.algorithms,
  enabled: trustConfigs.enabled,
  createdAt: trustConfigs.createdAt,
  updatedAt: trustConfigs.updatedAt,
};

const sortable = {
  name: trustConfigs.name,
  kind: trustConfigs.kind,
  createdAt: trustConfigs.createdAt,
  updatedAt: trustConfigs.updatedAt,
} as const;

/** Admin list: search on name, issuer, trust domain; kind and status filters. A handful of rows, so plain offset paging. */
export async function listTrustConfigs(db: Executor, q: TrustListQuery): Promise<Page<TrustRow>> {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [trustConfigs.name, trustConfigs.issuer, trustConfigs.trustDomain]),
    q.kind ? eq(trustConfigs.kind, q.kind) : undefined,
    q.status ? eq(trustConfigs.enabled, q.status === "enabled") : undefined,
  ];
  const where = and(...conds.filter(Boolean));
  const [items, [{ total }]] = await Promise.all([
    db
      .select(rowColumns)
      .from(trustConfigs)
      .where(where)
      .orderBy(...orderBy(sortable[q.sort], q.dir, trustConfigs.id))
      .limit(q.pageSize)
      .offset(offsetOf(q.page, q.pageSize)),
    db.select({ total: sql<number>`count(*)::int` }).from(trustConfigs).where(where),
  ]);
  return { items, total, page: q.page, pageSize: q.pageSize };
}

export async function getTrustConfig(db: Executor, id: string): Promise<TrustDetail | undefined> {
  const [row] = await db.select({ ...rowColumns, jwks: trustConfigs.jwks }).from(trustConfigs).where(eq(trustConfigs.id, id));
  if (!row) return undefined;
  return { ...row, keys: summarizeKeys(row.jwks) };
}
