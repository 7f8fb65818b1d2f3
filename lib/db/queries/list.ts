import { and, asc, desc, gte, ilike, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Executor } from "@/lib/db/client";
import type { Page } from "@/lib/domain/list-query";

// The zod shape lives in lib/domain so request schemas need not import the data layer.
export { dateRange, listQuery, type Page } from "@/lib/domain/list-query";

/** `from <= column < to`, either side optional. */
export function withinRange(column: PgColumn, from: string | undefined, to: string | undefined): SQL | undefined {
  return and(from ? gte(column, new Date(from)) : undefined, to ? lt(column, new Date(to)) : undefined);
}


/** `%q%` with the LIKE metacharacters in q escaped, matched against any of the columns. */
export function searchAny(q: string | undefined, columns: PgColumn[]): SQL | undefined {
  if (!q) return undefined;
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(...columns.map((c) => ilike(c, pattern)));
}

/** ORDER BY the whitelisted column, with the id as a tiebreak so pages never overlap. */
export function orderBy(column: PgColumn, dir: "asc" | "desc", tiebreak: PgColumn): SQL[] {
  const f = dir === "desc" ? desc : asc;
  return [f(column), f(tiebreak)];
}

/**
 * Like orderBy(), but null times (never seen, never expires) go last both ways. Spelled to
 * match the `(col DESC NULLS LAST, id DESC NULLS LAST)` page indexes exactly.
 */
export function orderNullsLast(column: PgColumn, dir: "asc" | "desc", tiebreak: PgColumn): SQL[] {
  return dir === "desc"
    ? [sql`${column} desc nulls last`, sql`${tiebreak} desc nulls last`]
    : [sql`${column} asc nulls last`, sql`${tiebreak} asc nulls last`];
}

export function offsetOf(page: number, pageSize: number) {
  return (page - 1) * pageSize;
}

/** A paged inventory table: rows keyed by `id`, with (sort column, id) indexes. */
type PagedTable = PgTable & { id: PgColumn };

/**
 * One page by deferred join: the page's ids come from the narrow (sort, id) index alone, then
 * `rows` selects the full rows `where inPage`, in the same `order`, so its joins touch one page
 * only. `total` counts every row matching `where`, for the pagination.
 */
export async function deferredPage<T>(
  db: Executor,
  table: PagedTable,
  where: SQL | undefined,
  order: SQL[],
  q: { page: number; pageSize: number },
  rows: (inPage: SQL) => PromiseLike<T[]>,
): Promise<Page<T>> {
  const ids = db
    .select({ id: table.id })
    .from(table)
    .where(where)
    .orderBy(...order)
    .limit(q.pageSize)
    .offset(offsetOf(q.page, q.pageSize));
  const [items, [{ total }]] = await Promise.all([
    rows(inArray(table.id, ids)),
    db.select({ total: sql<number>`count(*)::int` }).from(table).where(where),
  ]);
  return { items, total, page: q.page, pageSize: q.pageSize };
}
