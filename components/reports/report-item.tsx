import Link from "next/link";
import { CircleCheck, CircleDashed, CircleX } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { ReportItem } from "@/lib/reports/types";
import { formatCount } from "@/lib/format";

const STATUS: Record<ReportItem["status"], { label: string; variant: "success" | "warning" | "destructive" }> = {
  covered: { label: "Covered", variant: "success" },
  partial: { label: "Partial", variant: "warning" },
  gap: { label: "Gap", variant: "destructive" },
};

export function StatusBadge({ status }: { status: ReportItem["status"] }) {
  const s = STATUS[status];
  return (
    <Badge variant={s.variant} data-status={status}>
      {s.label}
    </Badge>
  );
}

/** One framework item: what it is, which controls address it and the evidence they left. */
export function ReportItemCard({ item }: { item: ReportItem }) {
  return (
    <article className="rounded-md border p-4" data-testid="report-item" data-item-id={item.id} data-status={item.status} aria-labelledby={`item-${item.id}`}>
      <header className="flex flex-wrap items-start justify-between gap-2">
        <h3 id={`item-${item.id}`} className="text-sm font-semibold">
          <span className="font-mono">{item.id}</span> <span>{item.title}</span>
          {item.ref && item.ref !== item.id ? <span className="ml-2 text-xs font-normal text-muted-foreground">{item.ref}</span> : null}
        </h3>
        <StatusBadge status={item.status} />
      </header>
      <p className="mt-1 text-sm text-muted-foreground">{item.summary}</p>
      {item.note ? <p className="mt-1 text-xs text-warning">Outside Warden: {item.note}</p> : null}
      {item.status === "gap" ? (
        <p className="mt-3 flex items-center gap-1.5 text-sm">
          <CircleX aria-hidden="true" className="size-4 text-destructive" />
          No Warden control addresses this item.
        </p>
      ) : (
        <div className="mt-3 grid gap-4 lg:grid-cols-[3fr_2fr]">
          <section aria-label={`Controls for ${item.id}`}>
            <h4 className="text-xs font-medium uppercase text-muted-foreground">Controls</h4>
            <ul className="mt-1 space-y-1.5">
              {item.controls.map((c) => (
                <li key={c.id} className="text-sm" data-control={c.id} data-active={c.active}>
                  <div className="flex flex-wrap items-center gap-1.5">
                    {c.active ? <CircleCheck aria-hidden="true" className="size-4 text-success" /> : <CircleDashed aria-hidden="true" className="size-4 text-muted-foreground" />}
                    <span className="font-medium">{c.name}</span>
                    <Badge variant={c.active ? "success" : "muted"}>{c.active ? "Active" : "Inactive"}</Badge>
                    <span className="text-xs text-muted-foreground">{c.activeDetail}</span>
                  </div>
                  <p className="ml-5.5 text-muted-foreground">{c.how}</p>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label={`Evidence for ${item.id}`}>
            <h4 className="text-xs font-medium uppercase text-muted-foreground">Evidence in the period</h4>
            <ul className="mt-1 space-y-0.5 text-sm">
              {item.evidence.map((e) => (
                <li key={e.label} className="flex gap-2">
                  <span className="w-14 shrink-0 text-right tabular-nums">{formatCount(e.count)}</span>
                  {e.href ? (
                    <Link className="hover:underline" href={e.href}>
                      {e.label}
                    </Link>
                  ) : (
                    <span>{e.label}</span>
                  )}
                </li>
              ))}
            </ul>
            {item.examples.length ? (
              <>
                <h4 className="mt-3 text-xs font-medium uppercase text-muted-foreground">Examples</h4>
                <ul className="mt-1 space-y-0.5 text-sm">
                  {item.examples.map((x) => (
                    <li key={`${x.kind}:${x.id}`}>
                      <Link className="hover:underline" href={x.href}>
                        {x.label}
                      </Link>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
        </div>
      )}
    </article>
  );
}
