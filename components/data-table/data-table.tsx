"use client";

import * as React from "react";
import { getCoreRowModel, useReactTable, type SortingState, type Updater } from "@tanstack/react-table";

import { skeletonHeaders, sortingFromUrl, urlFromSorting, type Columns, type RowProps } from "./columns";
import { EmptyState } from "./empty-state";
import { ErrorState } from "./error-state";
import { DIR_PARAM, SORT_PARAM } from "./list-params";
import { Pagination } from "./pagination";
import { SortHead } from "./sort-head";
import { TableGrid } from "./table-grid";
import { TableSkeleton } from "./table-skeleton";
import { useUrlState } from "./use-url-state";

/** A page of rows; `total` (rows matching the filters) is present on server-paged lists. */
export type ListData<Row> = { items: Row[]; total?: number };

/** The parts of a react-query result the table reads (useListQuery or a plain useQuery). */
export type ListQuery<D> = { data: D | undefined; isError: boolean; isFetching: boolean; refetch: () => unknown };

export type DataTableProps<Row, D extends ListData<Row>> = {
  query: ListQuery<D>;
  columns: Columns<Row>;
  /** Accessible name of the table. */
  label?: string;
  getRowId?: (row: Row) => string;
  rowProps?: (row: Row) => RowProps;
  /** The filter bar and anything else that stays above the list whatever its state. */
  toolbar?: React.ReactNode;
  /** Shown above the table, only while there are rows (e.g. a selection limit). */
  aboveTable?: React.ReactNode;
  errorMessage: string;
  empty: { title: React.ReactNode; description: React.ReactNode; icon?: React.ReactNode };
  /**
   * Mark the table aria-busy while refetching. Off for live lists: they refetch on a timer, and
   * a table that keeps turning busy would be re-announced every few seconds.
   */
  markBusy?: boolean;
  /** The pager under the rows; default: the standard one when the server reports a total. */
  pager?: (data: D) => React.ReactNode;
};

const defaultRowId = (row: unknown, index: number) => (row as { id?: string }).id ?? String(index);

/**
 * Every list page: the server filters, sorts and pages (all kept in the URL, so a view can be
 * reloaded or shared), TanStack renders the columns. States in the order they matter: failed →
 * retry, nothing yet → skeleton, no rows → empty state, else the table and its pager.
 */
export function DataTable<Row, D extends ListData<Row> = ListData<Row>>({
  query,
  columns,
  label,
  getRowId,
  rowProps,
  toolbar,
  aboveTable,
  errorMessage,
  empty,
  markBusy = true,
  pager,
}: DataTableProps<Row, D>) {
  const { get, setParams } = useUrlState();
  const sort = get(SORT_PARAM);
  const dir = get(DIR_PARAM);
  const sorting = React.useMemo(() => sortingFromUrl(columns, sort, dir), [columns, sort, dir]);
  const { data } = query;

  const table = useReactTable<Row>({
    data: data?.items ?? [],
    columns,
    getRowId: getRowId ?? defaultRowId,
    getCoreRowModel: getCoreRowModel(),
    // The server sorts and pages: the table only shows the rows it is given, in that order.
    manualSorting: true,
    manualPagination: true,
    enableMultiSort: false,
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = urlFromSorting(columns, typeof updater === "function" ? updater(sorting) : updater);
      if (next) setParams({ [SORT_PARAM]: next.sort, [DIR_PARAM]: next.dir });
    },
  });

  let body: React.ReactNode;
  if (query.isError) body = <ErrorState message={errorMessage} onRetry={() => query.refetch()} />;
  else if (!data) body = <TableSkeleton headers={skeletonHeaders(columns)} />;
  else if (data.items.length === 0) body = <EmptyState icon={empty.icon} title={empty.title} description={empty.description} />;
  else
    body = (
      <>
        {aboveTable}
        <div className="rounded-md border" aria-busy={markBusy ? query.isFetching : undefined}>
          <TableGrid
            table={table}
            label={label}
            rowProps={rowProps}
            renderHead={(header) => (header.column.columnDef.meta?.sortKey ? <SortHead key={header.id} header={header} /> : undefined)}
          />
        </div>
        {pager ? pager(data) : data.total === undefined ? null : <Pagination total={data.total} />}
      </>
    );

  return (
    <>
      {toolbar}
      {body}
    </>
  );
}
