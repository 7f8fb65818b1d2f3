import * as React from "react";

import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

export type TableSkeletonProps = {
  rows?: number;
  columns?: number;
  /** Real header labels, if known, so the layout does not jump when data arrives. */
  headers?: string[];
  className?: string;
};

// Varied widths read as "text loading" rather than a grid of identical bars.
const WIDTHS = ["w-3/4", "w-1/2", "w-2/3", "w-5/6", "w-2/5"];

/** Loading placeholder for a list (e.g. in loading.tsx); announced once as "Loading…". */
export function TableSkeleton({ rows = 8, columns, headers, className }: TableSkeletonProps) {
  const cols = headers?.length ?? columns ?? 5;
  return (
    <div role="status" aria-busy="true" className={cn("w-full", className)}>
      <span className="sr-only">Loading…</span>
      <Table aria-hidden="true">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            {Array.from({ length: cols }, (_, c) => (
              <TableHead key={c}>{headers?.[c] ?? <Skeleton className="h-3 w-16" />}</TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {Array.from({ length: rows }, (_, r) => (
            <TableRow key={r} className="hover:bg-transparent">
              {Array.from({ length: cols }, (_, c) => (
                <TableCell key={c} className="py-2.5">
                  <Skeleton className={cn("h-3.5", WIDTHS[(r + c) % WIDTHS.length])} />
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
