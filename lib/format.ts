// The one place numbers and dates become text, so two pages never show the same thing two ways.
// Pure (no React, no I/O). Counts use a fixed locale because server and browser must render them
// identically or hydration fails; local dates are viewer-specific, so only call the `Local`
// formatters in the browser (components/time.tsx shows how to keep the first render stable).

const COUNT = new Intl.NumberFormat("en-US");
const COMPACT = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** 1234567 → "1.2M"; for tight spaces such as chart axes. */
export function formatCompact(n: number): string {
  return COMPACT.format(n);
}

/** A share of a whole, 0.1234 → "12%" (or "12.3%" with digits = 1); a zero whole reads "0%". */
export function formatPercent(part: number, whole: number, digits = 0): string {
  const ratio = whole === 0 ? 0 : part / whole;
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Elapsed time of an operation: "850 ms", "1.2 s", "75.0 s". Sub-millisecond values read in µs. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Server / first-render text of an instant, from its ISO form only: "2025-03-01 14:05 UTC". */
export function formatStableDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

// Formatters for the viewer's own locale and time zone (undefined = theirs); created on first use,
// so a module import on the server never fixes them to the server's zone.
const local = new Map<string, Intl.DateTimeFormat>();
function localFormat(key: string, options: Intl.DateTimeFormatOptions) {
  let f = local.get(key);
  if (!f) local.set(key, (f = new Intl.DateTimeFormat(undefined, options)));
  return f;
}

/** Date and time in the viewer's zone, "3/1/25, 2:05 PM"; with seconds for events seconds apart. */
export function formatLocalDateTime(date: Date, options: { seconds?: boolean } = {}): string {
  return options.seconds
    ? localFormat("dt-s", { dateStyle: "short", timeStyle: "medium" }).format(date)
    : localFormat("dt", { dateStyle: "short", timeStyle: "short" }).format(date);
}

/** Time of day in the viewer's zone, "14:05" or "02:05 PM" (chart axes over a day). */
export function formatLocalClock(date: Date): string {
  return localFormat("clock", { hour: "2-digit", minute: "2-digit" }).format(date);
}

/** Day of the year in the viewer's zone, "Mar 1" (chart axes over weeks). */
export function formatLocalDay(date: Date): string {
  return localFormat("day", { month: "short", day: "numeric" }).format(date);
}

const UNITS = [
  { limit: 60, div: 1, label: "s" },
  { limit: 3600, div: 60, label: "min" },
  { limit: 86_400, div: 3600, label: "h" },
  { limit: 86_400 * 45, div: 86_400, label: "d" },
  { limit: 86_400 * 365, div: 86_400 * 30, label: "mo" },
  { limit: Infinity, div: 86_400 * 365, label: "y" },
] as const;

/** "3 min ago", "in 2 h", "just now", measured from `reference` (ms since the epoch). */
export function formatRelative(date: Date, reference: number): string {
  const seconds = Math.round((date.getTime() - reference) / 1000);
  const abs = Math.abs(seconds);
  // <Time> ticks every 30 s, so anything under a minute is shown coarsely rather than stale-precise.
  if (abs < 60) return seconds <= 0 ? "just now" : "in <1 min";
  const unit = UNITS.find((u) => abs < u.limit) ?? UNITS[UNITS.length - 1];
  const n = Math.floor(abs / unit.div);
  return seconds < 0 ? `${n} ${unit.label} ago` : `in ${n} ${unit.label}`;
}
