"use client";

import * as React from "react";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";

import { TableHead } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import { DIR_PARAM, SORT_PARAM, type SortDir } from "./list-params";
import { useUrlState } from "./use-url-state";

export type SortableHeadProps = Omit<React.ComponentProps<"th">, "children"> & {
  /** Value written to the `sort` param; must be in the server's sortable allow-list. */
  column: string;
  children: React.ReactNode;
  /** Direction used when this column becomes active (e.g. "desc" for timestamps). Default "asc". */
  firstDir?: SortDir;
  /** This column is the server's default sort when the URL has no `sort`. */
  isDefault?: boolean;
  /** Direction the server uses for the default sort. Default "desc". */
  defaultDir?: SortDir;
  align?: "left" | "right";
};

/** A column header whose button toggles `sort`/`dir` in the URL; the state is exposed via aria-sort. */
export function SortableHead({
  column,
  children,
  firstDir = "asc",
  isDefault = false,
  defaultDir = "desc",
  align = "left",
  className,
  ...props
}: SortableHeadProps) {
  const { get, setParams } = useUrlState();
  const sort = get(SORT_PARAM);
  const rawDir = get(DIR_PARAM);
  const active = sort === column || (sort === null && isDefault);
  const dir: SortDir = rawDir === "asc" || rawDir === "desc" ? rawDir : sort === null ? defaultDir : firstDir;

  const Icon = !active ? ArrowUpDown : dir === "asc" ? ArrowUp : ArrowDown;

  return (
    <TableHead
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}
      className={cn(align === "right" && "text-right", className)}
      {...props}
    >
      <button
        type="button"
        onClick={() =>
          setParams({ [SORT_PARAM]: column, [DIR_PARAM]: active ? (dir === "asc" ? "desc" : "asc") : firstDir })
        }
        className={cn(
          "-mx-1 inline-flex h-7 items-center gap-1 rounded-sm px-1 font-medium outline-hidden hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring",
          align === "right" && "flex-row-reverse",
          active && "text-foreground",
        )}
      >
        {children}
        <Icon aria-hidden="true" className={cn("size-3.5", !active && "opacity-50")} />
      </button>
    </TableHead>
  );
}
