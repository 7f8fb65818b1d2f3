import { asc, desc, ilike, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";

/** Query-string shape shared by every inventory list: search, sort, page. */
export const listQuery = z.object({
  q: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  dir: z.enum(["asc", "desc"]).default("asc"),
});

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

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
