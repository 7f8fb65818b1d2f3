"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import * as React from "react";
import { OutcomeBadge } from "@/components/sessions/session-status-badge";
import { Time } from "@/components/time";
import { api } from "@/lib/client/api";
import { useInterval, useLiveChanges } from "@/lib/client/use-live";
import { cn } from "@/lib/utils";

export type TimelineEntry = {
  id: string;
  createdAt: string;
  connector: string;
  tool: string;
  operation: string;
  resource: string | null;
  sensitivity: string | null;
  destination: string | null;
  outcome: string;
  reasons: { code: string; message: string }[];
  diff: { field: string; declared: unknown; actual: unknown }[] | null;
  escalationId: string | null;
  /** Set on an allow that rests on a person's approval (escalationId is then the approval). */
  grantId: string | null;
};
type Page = { items: TimelineEntry[]; nextCursor: string | null; complete: boolean };

const cursorOf = (e: TimelineEntry) => `${e.createdAt}|${e.id}`;
const POLL_MS = 5000;

/**
 * The session's tool calls, newest first: a virtualised list (a session can hold tens of
 * thousands) that pages back as you scroll, and takes new calls from the change stream as they
 * are decided. An out-of-intent call is marked and names each field it exceeded, declared
 * value beside actual.
 */
export function SessionTimeline({ sessionId, initial }: { sessionId: string; initial: Page }) {
  const older = useInfiniteQuery({
    queryKey: ["session-timeline", sessionId],
    queryFn: ({ pageParam }) => api<Page>(`/api/v1/sessions/${sessionId}/timeline${pageParam ? `?before=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initial], pageParams: [null] },
    staleTime: Infinity,
  });
  const [newer, setNewer] = React.useState<TimelineEntry[]>([]);
  const [error, setError] = React.useState<string | null>(null);
  const loaded = React.useMemo(() => older.data?.pages.flatMap((p) => p.items) ?? [], [older.data]);
  const items = React.useMemo(() => {
    if (!newer.length) return loaded;
    const fresh = new Set(newer.map((e) => e.id));
    return [...newer, ...loaded.filter((e) => !fresh.has(e.id))];
  }, [newer, loaded]);
  const top = items[0];

  // The newest call shown, kept in a ref so overlapping catch-ups never ask from a stale point;
  // a change that arrives mid-fetch queues one more fetch instead of being dropped.
  const newest = React.useRef<string | null>(top ? cursorOf(top) : null);
  const running = React.useRef(false);
  const again = React.useRef(false);
  const catchUp = React.useCallback(async () => {
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    try {
      do {
        again.current = false;
        const after = newest.current;
        const page = await api<Page>(`/api/v1/sessions/${sessionId}/timeline${after ? `?after=${encodeURIComponent(after)}` : ""}`);
        if (page.items.length) {
          newest.current = cursorOf(page.items[0]);
          setNewer((n) => {
            const known = new Set(n.map((e) => e.id));
            return [...page.items.filter((e) => !known.has(e.id)), ...n];
          });
        }
        setError(null);
      } while (again.current);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      running.current = false;
    }
  }, [sessionId]);
  const live = useLiveChanges({ session: sessionId }, () => void catchUp());
  useInterval(() => void catchUp(), POLL_MS, !live);

  const scroller = React.useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => 52, overscan: 12, getItemKey: (i) => items[i].id });
  const visible = virtual.getVirtualItems();
  const last = visible[visible.length - 1];
  React.useEffect(() => {
    if (last && last.index >= items.length - 25 && older.hasNextPage && !older.isFetchingNextPage) void older.fetchNextPage();
  }, [last, items.length, older]);

  return (
    <div className="space-y-2">
      <div className="flex items-center gap-2 text-xs text-muted-foreground" aria-live="polite">
        <span className={cn("inline-block size-2 rounded-full", live ? "bg-success" : "bg-warning")} aria-hidden="true" />
        {live ? "Live: new calls appear as they are decided" : `Reconnecting; refreshing every ${POLL_MS / 1000} s`}
        {error ? <span className="text-destructive">· could not refresh: {error}</span> : null}
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-muted-foreground">No tool calls in this session yet.</p>
      ) : (
        <div ref={scroller} className="max-h-[70vh] overflow-auto rounded-md border" role="list" aria-label="Tool calls, newest first">
          <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {visible.map((v) => {
              const e = items[v.index];
              const outside = !!e.diff?.length;
              return (
                <div
                  key={v.key}
                  data-index={v.index}
                  ref={virtual.measureElement}
                  role="listitem"
                  data-outcome={e.outcome}
                  data-out-of-intent={outside || undefined}
                  className={cn(
                    "absolute left-0 top-0 grid w-full grid-cols-[10rem_minmax(12rem,1.2fr)_6rem_minmax(10rem,1fr)] items-start gap-3 border-b px-3 py-2 text-sm",
                    outside && "border-l-4 border-l-destructive bg-destructive/5",
                  )}
                  style={{ transform: `translateY(${v.start}px)` }}
                >
                  <Time value={e.createdAt} seconds stacked className="text-xs" />
                  <div className="min-w-0 font-mono text-xs">
                    <div className="truncate">
                      {e.connector}:{e.tool}.{e.operation}
                    </div>
                    {e.resource ? <div className="truncate text-muted-foreground">{e.resource}</div> : null}
                  </div>
                  <div>
                    <OutcomeBadge outcome={e.outcome} />
                  </div>
                  {/* A long declared list is one JSON string with no spaces: let it wrap anywhere. */}
                  <div className="min-w-0 text-xs [overflow-wrap:anywhere]">
                    {e.diff?.length ? (
                      <ul aria-label="Outside the declared intent">
                        {e.diff.map((d) => (
                          <li key={d.field}>
                            <strong>{d.field}</strong>: declared <code>{JSON.stringify(d.declared)}</code>, got{" "}
                            <code className="font-semibold text-destructive">{JSON.stringify(d.actual)}</code>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    <div className="text-muted-foreground">{e.reasons.map((r) => r.code).join(", ") || "inside the intent"}</div>
                    {e.escalationId ? (
                      <Link href={`/escalations/${e.escalationId}`} className="text-primary underline-offset-2 hover:underline">
                        {e.grantId ? "Allowed by an approval" : "Escalation"} →
                      </Link>
                    ) : null}
                  </div>
                </div>
              );
            })}
          </div>
          {older.isFetchingNextPage ? <p className="p-2 text-center text-xs text-muted-foreground">Loading older calls…</p> : null}
        </div>
      )}
    </div>
  );
}
