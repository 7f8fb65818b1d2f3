"use client";

import * as React from "react";
import { ChevronLeft, ChevronRight, ChevronsLeft, ChevronsRight } from "lucide-react";

import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/native-select";
import { cn } from "@/lib/utils";
import { DEFAULT_PAGE_SIZE, PAGE_PARAM, PAGE_SIZE_OPTIONS, PAGE_SIZE_PARAM, readPaging } from "./list-params";
import { useUrlState } from "./use-url-state";
import { formatCount } from "@/lib/format";


export type PaginationProps = {
  /** Total rows matching the current filters (from the server). */
  total: number;
  defaultPageSize?: number;
  className?: string;
};

/** "Showing 51–100 of 100,000" with first/prev/next/last and a rows-per-page select, all via the URL. */
export function Pagination({ total, defaultPageSize = DEFAULT_PAGE_SIZE, className }: PaginationProps) {
  const { searchParams, setParams } = useUrlState();
  const id = React.useId();
  const { page: requested, pageSize } = readPaging(searchParams, defaultPageSize);
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(requested, lastPage);
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(page * pageSize, total);

  // Page 1 is the default, so it is dropped from the URL to keep links short.
  const goTo = (p: number) => setParams({ [PAGE_PARAM]: p <= 1 ? null : p });

  return (
    <nav aria-label="Pagination" className={cn("flex flex-wrap items-center justify-between gap-3 py-2", className)}>
      <p role="status" className="tabular text-sm text-muted-foreground">
        {total === 0 ? (
          "No results"
        ) : (
          <>
            Showing <span className="font-medium text-foreground">{formatCount(from)}</span>–
            <span className="font-medium text-foreground">{formatCount(to)}</span> of{" "}
            <span className="font-medium text-foreground">{formatCount(total)}</span>
          </>
        )}
      </p>

      <div className="flex flex-wrap items-center gap-3">
        <PageSizeSelect pageSize={pageSize} defaultPageSize={defaultPageSize} />

        <span className="tabular text-sm text-muted-foreground">
          Page {formatCount(page)} of {formatCount(lastPage)}
        </span>

        <div className="flex items-center gap-1">
          <PageButton label="First page" disabled={page <= 1} onClick={() => goTo(1)}>
            <ChevronsLeft aria-hidden="true" />
          </PageButton>
          <PageButton label="Previous page" disabled={page <= 1} onClick={() => goTo(page - 1)}>
            <ChevronLeft aria-hidden="true" />
          </PageButton>
          <PageButton label="Next page" disabled={page >= lastPage} onClick={() => goTo(page + 1)}>
            <ChevronRight aria-hidden="true" />
          </PageButton>
          <PageButton label="Last page" disabled={page >= lastPage} onClick={() => goTo(lastPage)}>
            <ChevronsRight aria-hidden="true" />
          </PageButton>
        </div>
      </div>
    </nav>
  );
}

/**
 * aria-disabled instead of disabled: a button that becomes disabled (reaching the last page) would
 * drop keyboard focus to <body>; this keeps focus in place and still refuses the click.
 */
export function PageButton({
  label,
  disabled,
  onClick,
  children,
}: {
  label: string;
  disabled: boolean;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <Button
      variant="outline"
      size="icon"
      aria-label={label}
      title={label}
      aria-disabled={disabled || undefined}
      onClick={() => !disabled && onClick()}
      className="aria-disabled:pointer-events-auto aria-disabled:cursor-not-allowed"
    >
      {children}
    </Button>
  );
}

/** "Rows per page", kept in the URL; changing it goes back to the first page. */
export function PageSizeSelect({ pageSize, defaultPageSize = DEFAULT_PAGE_SIZE }: { pageSize: number; defaultPageSize?: number }) {
  const id = React.useId();
  const { setParams } = useUrlState();
  return (
    <div className="flex items-center gap-1.5">
      <label htmlFor={`${id}-size`} className="text-xs font-medium text-muted-foreground">
        Rows per page
      </label>
      <NativeSelect
        id={`${id}-size`}
        value={String(pageSize)}
        // The page size resets the page (the hook does that for any non-page change).
        onChange={(e) => setParams({ [PAGE_SIZE_PARAM]: Number(e.target.value) === defaultPageSize ? null : e.target.value })}
        wrapperClassName="w-auto"
        className="w-20"
      >
        {PAGE_SIZE_OPTIONS.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}
