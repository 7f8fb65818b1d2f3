// The overview's time ranges and the shape of its charts: shared by the query that computes
// them and the browser component that draws them.
const HOUR = 3_600_000;
// `bucket` (for date_bin) and `strideMs` must say the same length.
export const OVERVIEW_RANGES = {
  "24h": { ms: 24 * HOUR, bucket: "1 hour", strideMs: HOUR },
  "7d": { ms: 7 * 24 * HOUR, bucket: "6 hours", strideMs: 6 * HOUR },
  "30d": { ms: 30 * 24 * HOUR, bucket: "1 day", strideMs: 24 * HOUR },
} as const;
export type OverviewRange = keyof typeof OVERVIEW_RANGES;

export type OverviewCharts = {
  range: OverviewRange;
  since: string;
  timeline: { bucket: string; allow: number; deny: number; escalate: number }[];
  byAgent: { id: string; name: string; deny: number; escalate: number }[];
  byConnector: { name: string; deny: number; escalate: number }[];
  drifting: { id: string; name: string; attempts: number; sessions: number }[];
  findingsBySeverity: { severity: string; open: number }[];
};
