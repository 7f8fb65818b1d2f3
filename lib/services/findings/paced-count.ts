import { sql } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";

/**
 * How a background pass reads a long stretch of decisions. Counting every decision of the last
 * minutes in one statement held a core for 50–130 ms each pass at 1,000 decisions/s; on a
 * two-core machine the decision path then waits its turn for a CPU, and p99 at that rate went
 * from under 5 ms to 7–30 ms. Read in slices of about `rowsPerSlice` rows instead, resting
 * `pauseFactor` times as long as each slice took: the same work, in pieces a few milliseconds
 * long, so the hot path never waits behind it for long (the way Postgres paces vacuum).
 */
export type Pace = { rowsPerSlice: number; pauseFactor: number };
export const BACKGROUND_PACE: Pace = { rowsPerSlice: 2_000, pauseFactor: 1 };

// The first slice is short (its rate is unknown) and a slice at most doubles the one before.
// Doubling alone is not enough: over a quiet stretch it reached 32 s in seven empty slices, and
// the next slice then held a whole burst (200,000 rows at once, 120–140 ms of a core, seen in
// the benchmark after its warm-up). So no slice is longer than MAX_SLICE_MS: a burst at the
// most one instance decides (about 10,000/s) puts 20,000 rows in it, ~15 ms, and the slices
// after it shrink to the rate they see. A quiet stretch costs one short query per 2 s of it.
const FIRST_SLICE_MS = 250;
const MIN_SLICE_MS = 50;
const MAX_SLICE_MS = 2_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Decisions per agent and UTC minute ("YYYY-MM-DDTHH:MM") from `from` on, read in time slices
 * sized from the rate the previous slice saw. Slices are half-open and adjacent, so every row
 * is counted once; the last one has no upper bound, so a row stamped by an instance whose clock
 * runs ahead still counts.
 */
export async function callsPerAgentMinute(
  db: Executor,
  from: Date,
  pace: Pace = BACKGROUND_PACE,
  onSlice?: (rowsRead: number) => void,
): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  let at = from.getTime();
  let span = FIRST_SLICE_MS;
  for (;;) {
    const last = at + span >= Date.now();
    const started = performance.now();
    const slice = rows<{ agent_id: string; minute: string; calls: number }>(
      await db.execute(sql`
        select agent_id, to_char(date_trunc('minute', created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as minute, count(*)::int as calls
        from decisions
        where created_at >= ${iso(at)}::timestamptz ${last ? sql`` : sql`and created_at < ${iso(at + span)}::timestamptz`} and agent_id is not null
        group by 1, 2`),
    );
    const took = performance.now() - started;
    let seen = 0;
    for (const r of slice) {
      seen += r.calls;
      const minutes = out.get(r.agent_id) ?? new Map<string, number>();
      minutes.set(r.minute, (minutes.get(r.minute) ?? 0) + r.calls);
      out.set(r.agent_id, minutes);
    }
    onSlice?.(seen);
    if (last) return out;
    at += span;
    const scale = seen > 0 ? Math.min(2, pace.rowsPerSlice / seen) : 2;
    span = Math.min(MAX_SLICE_MS, Math.max(MIN_SLICE_MS, Math.round(span * scale)));
    if (pace.pauseFactor > 0) await new Promise((r) => setTimeout(r, took * pace.pauseFactor));
  }
}
