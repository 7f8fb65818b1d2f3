"use client";

import * as React from "react";

import { formatLocalDateTime, formatRelative, formatStableDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";

/*
 * One shared 30-second clock for every <Time> on the page (a table can hold hundreds), read through
 * useSyncExternalStore: during hydration React uses getServerSnapshot (null), so the first client
 * render matches the server's ISO text exactly; right after, it re-renders with local time.
 */
const TICK_MS = 30_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now(); // the clock may have been idle; React re-checks the snapshot after subscribing
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
const getSnapshot = () => now;
const getServerSnapshot = () => null;

export type TimeProps = {
  value: Date | string | null | undefined;
  /** "both" (default): local time plus relative; or only one of them. */
  show?: "both" | "absolute" | "relative";
  /** With seconds: for events seconds apart, such as one session's tool calls. */
  seconds?: boolean;
  /** The relative time on a line of its own, for narrow columns. */
  stacked?: boolean;
  className?: string;
};

export function Time({ value, show = "both", seconds = false, stacked = false, className }: TimeProps) {
  const current = React.useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);

  if (value === null || value === undefined || value === "") {
    return (
      <span className={cn("text-muted-foreground", className)}>
        <span aria-hidden="true">—</span>
        <span className="sr-only">none</span>
      </span>
    );
  }
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    return (
      <span className={cn("text-muted-foreground", className)} title={`Invalid date: ${String(value)}`}>
        —
      </span>
    );
  }

  const iso = date.toISOString();
  const mounted = current !== null;
  const absolute = mounted ? formatLocalDateTime(date, { seconds }) : formatStableDateTime(iso);
  // The shared clock ticks every 30 s; a value newer than its last tick (a call decided a moment
  // ago) is measured against the real now, so it never reads "in <1 min".
  const relative = mounted ? formatRelative(date, Math.max(current, Date.now())) : null;

  return (
    <time dateTime={iso} title={iso} className={cn("tabular whitespace-nowrap", className)}>
      {show === "relative" && relative ? (
        relative
      ) : (
        <>
          {absolute}
          {show === "both" && relative && <span className={cn("text-muted-foreground", stacked ? "block" : "ml-1.5")}>({relative})</span>}
        </>
      )}
    </time>
  );
}
