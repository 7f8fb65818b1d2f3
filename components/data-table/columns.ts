// What a column may say about itself beyond TanStack's own definition, and the pure mapping between
// the list URL (`sort`, `dir`) and TanStack's sorting state. Hook-free: server pages import it too.
import type { ColumnDef, RowData, SortingState } from "@tanstack/react-table";
import type * as React from "react";

import type { SortDir } from "./list-params";

declare module "@tanstack/react-table" {
  // Type parameters must match TanStack's declaration, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligns the header and every cell (counts, amounts). */
    align?: "left" | "right";
    /** The server's `sort` value for this column; a column without one is not sortable. */
    sortKey?: string;
    /** Direction when the column becomes the sort (e.g. "desc" for timestamps). Default "asc". */
    firstDir?: SortDir;
    /** Set on the column the server sorts by when the URL has no `sort`, in that direction. */
    defaultDir?: SortDir;
    /** Classes of the <th> (width, sr-only). */
    headClassName?: string;
    /** Classes of every <td> of the column. */
    className?: string;
    /** Per-row <td> attributes (a title for truncated text, a class that depends on the row). */
    cellProps?: (row: TData) => { className?: string; title?: string };
  }
}

/**
 * A table's columns. `any` is TanStack's own idiom here: each column's value type differs, and
 * ColumnDef is invariant in it, so no narrower element type accepts a mixed list.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Columns<Row> = ColumnDef<Row, any>[];

type AnyColumn = ColumnDef<unknown, unknown> & { accessorKey?: string };

/** The id TanStack gives a column: its `id`, else its accessor key, else its header text. */
export function columnId(def: AnyColumn): string {
  return def.id ?? def.accessorKey ?? (typeof def.header === "string" ? def.header : "");
}

function findColumn<Row>(columns: Columns<Row>, match: (def: AnyColumn) => boolean) {
  return (columns as AnyColumn[]).find(match);
}

/**
 * The sorting the URL asks for, as TanStack state. The rules are the server's: an explicit `sort`
 * uses `dir` or else the column's first direction; no `sort` means the default column, in `dir`
 * or else its default direction. A `sort` no column knows sorts nothing visibly.
 */
export function sortingFromUrl<Row>(columns: Columns<Row>, sort: string | null, rawDir: string | null): SortingState {
  const dir = rawDir === "asc" || rawDir === "desc" ? rawDir : null;
  const def = sort === null ? findColumn(columns, (c) => Boolean(c.meta?.defaultDir)) : findColumn(columns, (c) => c.meta?.sortKey === sort);
  if (!def?.meta?.sortKey) return [];
  const effective = dir ?? (sort === null ? def.meta.defaultDir : def.meta.firstDir) ?? "asc";
  return [{ id: columnId(def), desc: effective === "desc" }];
}

/** The URL parameters for TanStack sorting state (only the first sort counts: the server sorts by one). */
export function urlFromSorting<Row>(columns: Columns<Row>, sorting: SortingState): { sort: string; dir: SortDir } | null {
  const first = sorting[0];
  const key = first && findColumn(columns, (c) => columnId(c) === first.id)?.meta?.sortKey;
  return key ? { sort: key, dir: first.desc ? "desc" : "asc" } : null;
}

/** Header labels for the loading skeleton: the text headers, blank where a header is markup. */
export function skeletonHeaders<Row>(columns: Columns<Row>): string[] {
  return (columns as AnyColumn[]).map((c) => (typeof c.header === "string" ? c.header : ""));
}

/** Attributes of a <tr>, data-* hooks included (tests and styles select rows by them). */
export type RowProps = React.ComponentProps<"tr"> & { [data: `data-${string}`]: string | undefined };
