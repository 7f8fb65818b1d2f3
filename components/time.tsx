"use client";

import * as React from "react";

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

let absoluteFormat: Intl.DateTimeFormat | undefined;
let secondsFormat: Intl.DateTimeFormat | undefined;
function formatLocal(date: Date, seconds: boolean) {
  // undefined locale/time zone = the viewer's own; created lazily so it only ever runs in the browser.
  if (seconds) {
    secondsFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });
    return secondsFormat.format(date);
  }
  absoluteFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "short" });
  return absoluteFormat.format(date);
}

/** Server/hydration text: derived only from the ISO string, so it is identical on both sides. */
function formatStable(iso: string) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const UNITS = [
  { limit: 60, div: 1, label: "s" },
  { limit: 3600, div: 60, label: "min" },
  { limit: 86_400, div: 3600, label: "h" },
  { limit: 86_400 * 45, div: 86_400, label: "d" },
  { limit: 86_400 * 365, div: 86_400 * 30, label: "mo" },
  { limit: Infinity, div: 86_400 * 365, label: "y" },
] as const;

/** "3 min ago", "in 2 h", "just now". Exported for tests and for places that need only the text. */
export function formatRelative(date: Date, reference: number): string {
  const seconds = Math.round((date.getTime() - reference) / 1000);
  const abs = Math.abs(seconds);
  // The clock ticks every 30 s, so anything under a minute is shown coarsely rather than stale-precise.
  if (abs < 60) return seconds <= 0 ? "just now" : "in <1 min";
  const unit = UNITS.find((u) => abs < u.limit) ?? UNITS[UNITS.length - 1];
  const n = Math.floor(abs / unit.div);
  return seconds < 0 ? `${n} ${unit.label} ago` : `in ${n} ${unit.label}`;
}

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
  const absolute = mounted ? formatLocal(date, seconds) : formatStable(iso);
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
