"use client";

import * as React from "react";
import { flexRender, type Header } from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";

import { TableHead } from "@/components/ui/table";
import { cn } from "@/lib/utils";

/**
 * A sortable column header: a button (keyboard reachable, visible focus ring) inside a <th> that
 * reports the state through aria-sort. Clicking the active column flips it; another column starts
 * in its `firstDir`. The table's onSortingChange turns that into the URL.
 */
export function SortHead<Row>({ header }: { header: Header<Row, unknown> }) {
  const { column } = header;
  const meta = column.columnDef.meta;
  const sorted = column.getIsSorted();
  const right = meta?.align === "right";
  const Icon = !sorted ? ArrowUpDown : sorted === "asc" ? ArrowUp : ArrowDown;
  const nextDesc = sorted ? sorted === "asc" : meta?.firstDir === "desc";

  return (
    <TableHead
      aria-sort={!sorted ? "none" : sorted === "asc" ? "ascending" : "descending"}
      className={cn(right && "text-right", meta?.headClassName)}
    >
      <button
        type="button"
        onClick={() => column.toggleSorting(nextDesc)}
        className={cn(
          "-mx-1 inline-flex h-7 items-center gap-1 rounded-sm px-1 font-medium outline-hidden hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring",
          right && "flex-row-reverse",
          sorted && "text-foreground",
        )}
      >
        {flexRender(column.columnDef.header, header.getContext())}
        <Icon aria-hidden="true" className={cn("size-3.5", !sorted && "opacity-50")} />
      </button>
    </TableHead>
  );
}
