// The soak bench's verdict (bench/soak.ts), kept pure so its rules are tested: the run is cut
// into thirds by time, the first third is the warm-up, and the last third is compared with the
// second. Memory and open connections must not grow beyond a stated share, the decision load's
// p99 must not climb beyond a stated tolerance, and nothing may fail.

export const SOAK_THRESHOLDS = {
  /** RSS and V8 heap of each process: mean of the last third ≤ mean of the second third × (1 + this). */
  memoryGrowth: 0.1,
  /** Decision p99: median window p99 of the last third ≤ the second third's × this ... */
  p99Ratio: 1.25,
  /** ... or the second third's + this many ms, whichever is larger (a 2 ms p99 may become 4). */
  p99SlackMs: 2,
  /** Descriptors and Postgres connections: mean of the last third ≤ the second third's × (1 + this) + slack. */
  connectionGrowth: 0.1,
  connectionSlack: 2,
} as const;

export type Thresholds = { [K in keyof typeof SOAK_THRESHOLDS]: number };

export function describeThresholds(t: Thresholds = SOAK_THRESHOLDS): string[] {
  return [
    `warm-up: the first third of the run is left out; the last third is compared with the second`,
    `memory flat: for RSS and V8 heap of each process, mean(last third) ≤ mean(second third) × ${(1 + t.memoryGrowth).toFixed(2)} (growth under ${pct(t.memoryGrowth)}); the slope over both thirds is printed in MB/hour`,
    `p99 stable: median window p99 of the last third ≤ max(median of the second third × ${t.p99Ratio}, median of the second third + ${t.p99SlackMs} ms); the slope of window p99 is printed in ms/hour`,
    `connections not growing: for open descriptors of each process and Postgres connections, mean(last third) ≤ mean(second third) × ${(1 + t.connectionGrowth).toFixed(2)} + ${t.connectionSlack}`,
    `no errors: no failed or non-2xx decision, every answered decision an allow and committed, no failed console request or export, the live streams never dropped`,
  ];
}

function pct(x: number) {
  return `${Math.round(x * 100)}%`;
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Least-squares slope of y over t (ms since epoch), per hour. */
export function slopePerHour(points: { t: number; y: number }[]): number {
  if (points.length < 2) return NaN;
  const mt = mean(points.map((p) => p.t));
  const my = mean(points.map((p) => p.y));
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.y - my);
    den += (p.t - mt) ** 2;
  }
  return den ? (num / den) * 3_600_000 : NaN;
}

/** The second and last thirds of [start, end) by time; the first third is the warm-up. */
export function thirds<T>(items: T[], timeOf: (x: T) => number, start: number, end: number): { second: T[]; last: T[] } {
  const span = end - start;
  const a = start + span / 3;
  const b = start + (2 * span) / 3;
  return {
    second: items.filter((x) => timeOf(x) >= a && timeOf(x) < b),
    last: items.filter((x) => timeOf(x) >= b && timeOf(x) <= end),
  };
}

export type Check = { name: string; ok: boolean | null; detail: string };

/** A series must not grow from the second third to the last: mean(last) ≤ mean(second) × (1 + growth) + slack. */
export function growthCheck(name: string, points: { t: number; y: number }[], start: number, end: number, growth: number, slack: number, unit: { scale: number; label: string; perHour?: boolean }): Check {
  const { second, last } = thirds(points, (p) => p.t, start, end);
  if (second.length < 1 || last.length < 1) return { name, ok: null, detail: "not judged: too few samples (run longer)" };
  const a = mean(second.map((p) => p.y));
  const b = mean(last.map((p) => p.y));
  const limit = a * (1 + growth) + slack;
  const f = (x: number) => (x / unit.scale).toFixed(unit.scale === 1 ? 1 : 0);
  const change = a ? ((b - a) / a) * 100 : 0;
  let detail = `${f(a)} → ${f(b)} ${unit.label} (${change >= 0 ? "+" : ""}${change.toFixed(1)}%; limit ${f(limit)})`;
  if (unit.perHour) detail += `; slope ${(slopePerHour([...second, ...last]) / unit.scale).toFixed(1)} ${unit.label}/hour`;
  return { name, ok: b <= limit, detail };
}

/** Window p99 must not climb: median(last third) ≤ max(median(second) × ratio, median(second) + slack). */
export function p99Check(windows: { t: number; p99: number }[], start: number, end: number, t: Thresholds = SOAK_THRESHOLDS): Check {
  const name = "decision p99 stable";
  const { second, last } = thirds(windows, (w) => w.t, start, end);
  if (second.length < 1 || last.length < 1) return { name, ok: null, detail: "not judged: too few windows (run longer)" };
  const a = median(second.map((w) => w.p99));
  const b = median(last.map((w) => w.p99));
  const limit = Math.max(a * t.p99Ratio, a + t.p99SlackMs);
  const slope = slopePerHour([...second, ...last].map((w) => ({ t: w.t, y: w.p99 })));
  return { name, ok: b <= limit, detail: `median window p99 ${a.toFixed(2)} → ${b.toFixed(2)} ms (limit ${limit.toFixed(2)}); slope ${slope.toFixed(1)} ms/hour; worst window ${Math.max(...windows.map((w) => w.p99)).toFixed(2)} ms` };
}

export type Failures = {
  decisionErrors: number;
  decisionNon2xx: number;
  notAllowed: number;
  /** Answered 2xx minus committed decisions (positive: answered but not in the table). */
  uncommitted: number;
  failedWindows: number;
  consoleFailures: number;
  exportFailures: number;
  streamDrops: number;
};

export function failureCheck(f: Failures): Check {
  const parts = Object.entries(f).filter(([, n]) => n > 0);
  return { name: "no errors", ok: parts.length === 0, detail: parts.length ? parts.map(([k, n]) => `${k} ${n}`).join(", ") : "none" };
}

/** PASS when every check passed, FAIL when any failed, NOT JUDGED when one could not be judged and none failed. */
export function overall(checks: Check[]): "PASS" | "FAIL" | "NOT JUDGED" {
  if (checks.some((c) => c.ok === false)) return "FAIL";
  if (checks.some((c) => c.ok === null)) return "NOT JUDGED";
  return "PASS";
}
