"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { useLiveChanges } from "@/lib/client/use-live";
import { useThrottled } from "@/lib/client/use-throttled";
import type { EscalationSummary } from "@/lib/domain/escalations";
import { cn } from "@/lib/utils";

export const ESCALATION_SUMMARY_KEY = ["escalations-summary"] as const;

/**
 * The count of escalations waiting for a person, beside the nav item. Refetched on the change
 * stream (a new escalation is an audited event), and every minute as well, because a request
 * that simply runs out of time changes nothing until the sweeper marks it.
 */
export function PendingEscalationsBadge() {
  const q = useQuery({
    queryKey: ESCALATION_SUMMARY_KEY,
    queryFn: ({ signal }) => api<EscalationSummary>("/api/v1/escalations/summary", { signal }),
    refetchInterval: 60_000,
    retry: false,
  });
  const refetch = useThrottled(() => void q.refetch(), 2000);
  useLiveChanges({}, refetch);
  const pending = q.data?.pending ?? 0;
  if (!pending) return null;
  const high = q.data?.pendingHighRisk ?? 0;
  const label = `${pending} pending escalation${pending === 1 ? "" : "s"}${high ? `, ${high} high risk` : ""}`;
  return (
    <span
      title={label}
      className={cn(
        "ml-auto inline-flex h-5 min-w-5 items-center justify-center rounded-full px-1.5 text-xs font-semibold tabular-nums",
        high ? "bg-destructive text-destructive-foreground" : "bg-warning/20 text-foreground",
      )}
    >
      <span aria-hidden="true">{pending > 99 ? "99+" : pending}</span>
      <span className="sr-only"> ({label})</span>
    </span>
  );
}
