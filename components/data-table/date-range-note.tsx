"use client";

import { X } from "lucide-react";
import { Time } from "@/components/time";
import { useUrlState } from "./use-url-state";

/** URL parameters of a date range: `from` inclusive, `to` exclusive (ISO 8601 instants). */
export const DATE_RANGE_PARAMS = ["from", "to"] as const;

/**
 * The list's date range when one arrives by link (a report's evidence, for instance): a small
 * "From … to …" chip that removes it. Nothing when the URL holds no range.
 */
export function DateRangeNote({
  label = "Dated",
  fromParam = "from",
  toParam = "to",
  alsoClears = [],
}: {
  /** What the range applies to, e.g. "Raised", "Revoked". */
  label?: string;
  fromParam?: string;
  toParam?: string;
  /** Parameters that only make sense with the range and go with it (e.g. timeField). */
  alsoClears?: string[];
}) {
  const { get, setParams } = useUrlState();
  const from = get(fromParam);
  const to = get(toParam);
  if (!from && !to) return null;
  const valid = (v: string | null) => (v && !Number.isNaN(new Date(v).getTime()) ? v : null);
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="date-range">
      <span className="text-muted-foreground">Showing only</span>
      <span className="inline-flex items-center gap-1 rounded-md border px-2 py-0.5">
        <span className="text-muted-foreground">{label}</span>
        {from && (
          <>
            <span className="text-muted-foreground">from</span>
            {valid(from) ? <Time value={from} show="absolute" className="text-xs" /> : <span className="font-mono text-xs">{from}</span>}
          </>
        )}
        {to && (
          <>
            <span className="text-muted-foreground">{from ? "to" : "before"}</span>
            {valid(to) ? <Time value={to} show="absolute" className="text-xs" /> : <span className="font-mono text-xs">{to}</span>}
          </>
        )}
        <button
          type="button"
          className="rounded-sm p-0.5 hover:bg-accent"
          aria-label="Remove the date range"
          onClick={() => setParams(Object.fromEntries([fromParam, toParam, ...alsoClears].map((p) => [p, null])))}
        >
          <X aria-hidden="true" className="size-3" />
        </button>
      </span>
    </div>
  );
}
