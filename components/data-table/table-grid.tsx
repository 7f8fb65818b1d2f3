// The <table> markup for a TanStack table instance, shared by the interactive DataTable and the
// server-rendered StaticTable. Hook-free and handler-free, so server components can render it.
import * as React from "react";
import { flexRender, type Header, type Table as TanStackTable } from "@tanstack/react-table";

import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import type { RowProps } from "./columns";

export type TableGridProps<Row> = {
  table: TanStackTable<Row>;
  /** Accessible name; it also makes the scroll container focusable (see components/ui/table). */
  label?: string;
  /** Per-row <tr> attributes: data-* hooks for tests and styles, a selected state. */
  rowProps?: (row: Row) => RowProps;
  /** Renders a header cell itself (sortable headers); return undefined for the plain one. */
  renderHead?: (header: Header<Row, unknown>) => React.ReactNode | undefined;
};

export function TableGrid<Row>({ table, label, rowProps, renderHead }: TableGridProps<Row>) {
  return (
    <Table aria-label={label}>
      <TableHeader>
        {table.getHeaderGroups().map((group) => (
          <TableRow key={group.id}>
            {group.headers.map((header) => renderHead?.(header) ?? <PlainHead key={header.id} header={header} />)}
          </TableRow>
        ))}
      </TableHeader>
      <TableBody>
        {table.getRowModel().rows.map((row) => (
          <TableRow key={row.id} {...rowProps?.(row.original)}>
            {row.getVisibleCells().map((cell) => {
              const meta = cell.column.columnDef.meta;
              const own = meta?.cellProps?.(row.original);
              return (
                <TableCell key={cell.id} title={own?.title} className={cn(meta?.align === "right" && "text-right", meta?.className, own?.className) || undefined}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function PlainHead<Row>({ header }: { header: Header<Row, unknown> }) {
  const meta = header.column.columnDef.meta;
  return (
    <TableHead className={cn(meta?.align === "right" && "text-right", meta?.headClassName) || undefined}>
      {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
    </TableHead>
  );
}
