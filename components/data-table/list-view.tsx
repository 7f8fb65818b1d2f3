"use client";

import * as React from "react";

import { EmptyState } from "./empty-state";
import { ErrorState } from "./error-state";
import { Pagination } from "./pagination";
import { TableSkeleton } from "./table-skeleton";

/** A page of rows; `total` (rows matching the filters) is present on server-paged lists. */
type ListData = { items: unknown[]; total?: number };

/** The parts of a react-query result the view reads (useListQuery or a plain useQuery). */
type ListQuery<D> = { data: D | undefined; isError: boolean; isFetching: boolean; refetch: () => unknown };

export type ListViewProps<D extends ListData> = {
  query: ListQuery<D>;
  /** Skeleton columns while nothing has loaded: a count, or the real header labels. */
  columns: number | string[];
  errorMessage: string;
  emptyTitle: string;
  emptyDescription: string;
  emptyIcon?: React.ReactNode;
  /** Shown above the table, only while there are rows (e.g. a selection limit). */
  aboveTable?: React.ReactNode;
  /**
   * Mark the table aria-busy while refetching. Off for live lists: they refetch on a timer, and
   * a table that keeps turning busy would be re-announced every few seconds.
   */
  markBusy?: boolean;
  /** The <Table> for rows that are there; it is placed in the bordered frame. */
  children: (data: D) => React.ReactNode;
};

/**
 * One list's states in the order they matter: failed → retry, nothing yet → skeleton, no rows →
 * empty state, else the table, with pagination when the server pages it.
 */
export function ListView<D extends ListData>({
  query,
  columns,
  errorMessage,
  emptyTitle,
  emptyDescription,
  emptyIcon,
  aboveTable,
  markBusy = true,
  children,
}: ListViewProps<D>) {
  const { data } = query;
  if (query.isError) return <ErrorState message={errorMessage} onRetry={() => query.refetch()} />;
  if (!data) return typeof columns === "number" ? <TableSkeleton columns={columns} /> : <TableSkeleton headers={columns} />;
  if (data.items.length === 0) return <EmptyState icon={emptyIcon} title={emptyTitle} description={emptyDescription} />;
  return (
    <>
      {aboveTable}
      <div className="rounded-md border" aria-busy={markBusy ? query.isFetching : undefined}>
        {children(data)}
      </div>
      {data.total === undefined ? null : <Pagination total={data.total} />}
    </>
  );
}
