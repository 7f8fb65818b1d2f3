"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { useUrlState } from "@/components/data-table/use-url-state";
import { ReportItemCard, StatusBadge } from "@/components/reports/report-item";
import { ReportSummary } from "@/components/reports/report-summary";
import { Time } from "@/components/time";
import { Button, buttonVariants } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { api, ApiClientError } from "@/lib/client/api";
import type { Report, ReportItem } from "@/lib/reports/types";
import { apiQuery, readView, viewKey, type ReportView, type StatusFilter } from "@/lib/reports/view-params";
import { cn } from "@/lib/utils";

const PRESETS = [
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
  { value: "90d", label: "90 days" },
] as const;
const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "covered", label: "Covered" },
  { value: "partial", label: "Partial" },
  { value: "gap", label: "Gaps" },
];
const sameView = (a: ReportView, b: ReportView) => viewKey(a).join("|") === viewKey(b).join("|");
const day = (iso: string) => iso.slice(0, 10);

export function ReportsClient({ initial, initialError, frameworks }: { initial: { view: ReportView; report: Report } | null; initialError: string | null; frameworks: { id: string; shortName: string }[] }) {
  const { get, setParams, isPending } = useUrlState();
  const view = readView(get);
  const customIncomplete = view.range === "custom" && (!view.from || !view.to);
  const isInitial = !!initial && sameView(initial.view, view);
  const query = useQuery({
    queryKey: viewKey(view),
    queryFn: ({ signal }) => api<Report>(`/api/v1/reports/${view.framework}?${apiQuery(view)}`, { signal }),
    initialData: isInitial ? initial!.report : undefined,
    placeholderData: keepPreviousData,
    enabled: !customIncomplete,
    staleTime: 60_000,
    retry: (n, err) => !(err instanceof ApiClientError && err.status < 500) && n < 2,
  });
  const report = query.data;
  const error = query.error instanceof ApiClientError && query.error.status === 400 ? query.error.message : initialError && !report ? initialError : null;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-64">
          <Label htmlFor="report-framework" className="mb-1 text-xs">
            Framework
          </Label>
          <NativeSelect id="report-framework" value={view.framework} onChange={(e) => setParams({ framework: e.target.value, status: null })}>
            {frameworks.map((f) => (
              <option key={f.id} value={f.id}>
                {f.shortName}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div role="group" aria-label="Period" className="flex items-center gap-1">
          {PRESETS.map((p) => (
            <Button key={p.value} size="sm" variant={view.range === p.value ? "default" : "outline"} aria-pressed={view.range === p.value} onClick={() => setParams({ range: p.value === "30d" ? null : p.value, from: null, to: null })}>
              {p.label}
            </Button>
          ))}
          <Button size="sm" variant={view.range === "custom" ? "default" : "outline"} aria-pressed={view.range === "custom"} onClick={() => setParams({ range: "custom", from: view.from ?? (report ? day(report.period.from) : null), to: view.to ?? (report ? day(report.period.to) : null) })}>
            Custom
          </Button>
        </div>
        {view.range === "custom" ? <CustomPeriod key={`${view.from}-${view.to}`} view={view} onApply={(from, to) => setParams({ range: "custom", from, to })} /> : null}
        {/* Export buttons (PDF / CSV / JSON) are served by /api/v1/reports/{framework}/export. */}
        <div id="report-export" role="group" aria-label="Export report" className="ml-auto flex items-center gap-1">
          {(["pdf", "csv", "json"] as const).map((format) => {
            const period = report ? `from=${encodeURIComponent(report.period.from)}&to=${encodeURIComponent(report.period.to)}` : apiQuery(view);
            return (
              <a key={format} className={buttonVariants({ variant: "outline", size: "sm" })} href={`/api/v1/reports/${view.framework}/export?format=${format}&${period}`}>
                Export {format.toUpperCase()}
              </a>
            );
          })}
        </div>
      </div>

      {error ? (
        <ErrorState title="This period cannot be reported" message={error} onRetry={() => setParams({ range: null, from: null, to: null })} retryLabel="Use the last 30 days" />
      ) : customIncomplete ? (
        <EmptyState title="Choose a period" description="Pick the first and last day of the period, then apply." />
      ) : query.isError && !report ? (
        <ErrorState title="Could not build the report" message="The report could not be loaded. Check your connection and try again." onRetry={() => void query.refetch()} />
      ) : !report ? (
        <ReportSkeleton />
      ) : (
        <div className={cn("space-y-5 transition-opacity", (query.isFetching && query.isPlaceholderData) || isPending ? "opacity-60" : undefined)} aria-busy={query.isFetching}>
          <p className="text-sm text-muted-foreground">
            {report.framework.name}, {report.framework.version}, {report.framework.publisher}.{" "}
            <a className="hover:underline" href={report.framework.sourceUrl} target="_blank" rel="noreferrer">
              Source
            </a>
            . Period <Time value={report.period.from} show="absolute" /> – <Time value={report.period.to} show="absolute" />.
          </p>
          <ReportSummary report={report} itemNoun={report.framework.id === "nist-ai-rmf-1.0" ? "subcategories" : "items"} />
          <ReportItems report={report} status={view.status} onStatus={(s) => setParams({ status: s === "all" ? null : s })} />
        </div>
      )}
    </div>
  );
}

function CustomPeriod({ view, onApply }: { view: ReportView; onApply: (from: string, to: string) => void }) {
  const [from, setFrom] = useState(view.from ?? "");
  const [to, setTo] = useState(view.to ?? "");
  const invalid = !!from && !!to && from > to;
  return (
    <form
      className="flex items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (from && to && !invalid) onApply(from, to);
      }}
    >
      <div>
        <Label htmlFor="report-from" className="mb-1 text-xs">
          From
        </Label>
        <Input id="report-from" type="date" className="h-8" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </div>
      <div>
        <Label htmlFor="report-to" className="mb-1 text-xs">
          To (inclusive)
        </Label>
        <Input id="report-to" type="date" className="h-8" value={to} onChange={(e) => setTo(e.target.value)} required aria-invalid={invalid} />
      </div>
      <Button size="sm" type="submit" disabled={!from || !to || invalid}>
        Apply
      </Button>
      {invalid ? <span className="text-xs text-destructive">The first day must not be after the last.</span> : null}
    </form>
  );
}

function ReportItems({ report, status, onStatus }: { report: Report; status: StatusFilter; onStatus: (s: StatusFilter) => void }) {
  const leaves = report.items.filter((i) => !report.items.some((c) => c.parent === i.id));
  const count = (s: StatusFilter) => (s === "all" ? leaves.length : leaves.filter((i) => i.status === s).length);
  const shown = leaves.filter((i) => status === "all" || i.status === status);
  const byId = new Map(report.items.map((i) => [i.id, i]));
  return (
    <section aria-label="Framework items" className="space-y-3">
      <div role="group" aria-label="Filter items by status" className="flex flex-wrap items-center gap-1">
        {FILTERS.map((f) => (
          <Button key={f.value} size="sm" variant={status === f.value ? "default" : "outline"} aria-pressed={status === f.value} onClick={() => onStatus(f.value)}>
            {f.label} ({count(f.value)})
          </Button>
        ))}
      </div>
      {shown.length === 0 ? (
        <EmptyState title={status === "gap" ? "No gaps" : "No items with this status"} description="Every item of this framework has another status; choose All to see them." />
      ) : report.framework.id === "nist-ai-rmf-1.0" ? (
        <NistGroups items={shown} byId={byId} />
      ) : (
        <div className="space-y-3">
          {shown.map((i) => (
            <ReportItemCard key={i.id} item={i} />
          ))}
        </div>
      )}
    </section>
  );
}

/** NIST AI RMF: subcategories under their category, categories under their function. */
function NistGroups({ items, byId }: { items: ReportItem[]; byId: Map<string, ReportItem> }) {
  const groups = new Map<string, Map<string, ReportItem[]>>();
  for (const i of items) {
    const category = byId.get(i.parent!)!;
    const fn = category.parent!;
    const cats = groups.get(fn) ?? groups.set(fn, new Map()).get(fn)!;
    (cats.get(category.id) ?? cats.set(category.id, []).get(category.id)!).push(i);
  }
  return (
    <div className="space-y-6">
      {[...groups].map(([fn, cats]) => (
        <section key={fn} aria-labelledby={`fn-${fn}`} className="space-y-3">
          <h2 id={`fn-${fn}`} className="flex items-center gap-2 text-base font-semibold">
            {fn} <StatusBadge status={byId.get(fn)!.status} />
          </h2>
          <p className="text-sm text-muted-foreground">{byId.get(fn)!.summary}</p>
          {[...cats].map(([cat, subs]) => (
            <section key={cat} aria-labelledby={`cat-${cat.replace(" ", "-")}`} className="space-y-2 border-l pl-4">
              <h3 id={`cat-${cat.replace(" ", "-")}`} className="flex items-center gap-2 text-sm font-semibold">
                {cat} · {byId.get(cat)!.title} <StatusBadge status={byId.get(cat)!.status} />
              </h3>
              {subs.map((i) => (
                <ReportItemCard key={i.id} item={i} />
              ))}
            </section>
          ))}
        </section>
      ))}
    </div>
  );
}

function ReportSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading report">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-20" />
        ))}
      </div>
      {Array.from({ length: 4 }, (_, i) => (
        <Skeleton key={i} className="h-32" />
      ))}
    </div>
  );
}
