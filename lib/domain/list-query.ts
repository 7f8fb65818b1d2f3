// The query-string shape every inventory list shares (search, sort, page) and the page it answers
// with. Pure zod, no database: request schemas (lib/domain/*/schemas.ts), the data layer and the
// browser's list hooks all use it.
import { z } from "zod";

/** Query-string shape shared by every inventory list: search, sort, page. */
export const listQuery = z.object({
  q: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  dir: z.enum(["asc", "desc"]).default("asc"),
});

/**
 * Optional `from` / `to` (ISO 8601 instants with a zone), from inclusive, to exclusive: the same
 * half-open convention as a report period (lib/reports/period.ts), so a report's evidence link
 * lists exactly what it counted.
 */
export const dateRange = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
};

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };
