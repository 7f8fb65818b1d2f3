import { Fragment } from "react";
import { cn } from "@/lib/utils";

/** One labelled fact on a detail page; `mono` for identifiers, keys and patterns. */
export type Detail = { label: string; value: React.ReactNode; mono?: boolean; hidden?: boolean };

/** The label / value grid every detail page uses (a real <dl>, so it reads as one to assistive tech). */
export function DetailList({ items, className }: { items: Detail[]; className?: string }) {
  return (
    <dl className={cn("grid grid-cols-[9rem_1fr] gap-x-3 gap-y-2 text-sm", className)}>
      {items
        .filter((d) => !d.hidden)
        .map((d) => (
          <Fragment key={d.label}>
            <dt className="text-muted-foreground">{d.label}</dt>
            <dd className={d.mono ? "break-all font-mono text-xs" : undefined}>{d.value}</dd>
          </Fragment>
        ))}
    </dl>
  );
}
