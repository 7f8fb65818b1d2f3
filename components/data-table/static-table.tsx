// A small, complete table for detail pages (an agent's connectors, a connector's agents): the same
// column definitions and markup as DataTable, without URL state, paging or fetching. Hook-free so a
// server component renders it; columns are not sortable here.
import * as React from "react";
import { createTable, getCoreRowModel } from "@tanstack/react-table";

import type { Columns, RowProps } from "./columns";
import { TableGrid } from "./table-grid";

export type StaticTableProps<Row> = {
  columns: Columns<Row>;
  rows: Row[];
  getRowId: (row: Row) => string;
  label?: string;
  /** Said in place of the table when there are no rows. */
  empty: React.ReactNode;
  rowProps?: (row: Row) => RowProps;
};

export function StaticTable<Row>({ columns, rows, getRowId, label, empty, rowProps }: StaticTableProps<Row>) {
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">{empty}</p>;
  // createTable, not useReactTable: nothing here changes after render, so no React state is needed.
  const table = createTable<Row>({
    data: rows,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    state: {},
    onStateChange: () => {},
    renderFallbackValue: null,
  });
  table.setOptions((prev) => ({ ...prev, state: { ...table.initialState, ...prev.state } }));
  return <TableGrid table={table} label={label} rowProps={rowProps} />;
}
