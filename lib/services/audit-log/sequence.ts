import { backgroundFailure } from "@/lib/db/faults";
import { sequencePass, SEQUENCE_BATCH, type SequenceResult } from "@/lib/audit/log/sequencer";
import type { Db } from "@/lib/db/client";
import type { ChangeFeed } from "@/lib/realtime/hub";
import { raiseFinding } from "../findings/raise";

/**
 * Sequences until caught up (a full batch means more are waiting), at most `maxPasses` batches.
 * A broken chain raises the critical finding audit_log_broken, keyed by the event it stops at,
 * and the tree stays where it was until someone looks. `wait`: wait for another instance's pass
 * instead of skipping (a checkpoint must cover everything committed before it).
 */
export async function runSequencer(db: Db, now: Date, opts: { maxPasses?: number; wait?: boolean } = {}): Promise<SequenceResult> {
  let r: SequenceResult = { busy: true };
  for (let i = 0; i < (opts.maxPasses ?? 20); i++) {
    r = await sequencePass(db, SEQUENCE_BATCH, opts.wait);
    if (r.busy || r.broken || r.appended < SEQUENCE_BATCH) break;
  }
  if (!r.busy && r.broken) {
    const b = r.broken;
    const finding = {
      kind: "audit_log_broken",
      severity: "critical" as const,
      title: `The audit chain is broken at event ${b.seq}: it does not link to the event before it`,
      key: `audit-log:broken:${b.seq}`,
      detail: { seq: b.seq, eventId: b.id, expectedPrevHash: b.expected, foundPrevHash: b.found, treeSize: r.size },
    };
    // One transaction: the finding and its finding.raised event commit together.
    await db.transaction((tx) => raiseFinding(tx, finding, now, "audit log sequencer"));
  }
  return r;
}

// A pass has a fixed cost (about 1.3 ms of CPU for its transaction and statements) besides its
// cost per event, and it shares the cores with decisions: passes of a second's events cost about
// a third less per event than passes of a quarter second's (bench/audit-sequencer.ts). Nothing
// waits on a pass: a checkpoint runs its own first, and a proof is of a signed checkpoint.
const MIN_GAP_MS = 1000;

/**
 * The sequencer in the background: every `ms` (WARDEN_SEQUENCE_MS, default 1000) and whenever
 * the change feed says events were written. One pass at a time; a trigger during a pass runs
 * another after it. Returns its stop function.
 */
export function startSequencer(
  db: Db,
  feed: Pick<ChangeFeed, "subscribe">,
  ms = Number(process.env.WARDEN_SEQUENCE_MS ?? 1000),
  // A database outage is said once by the runtime's availability tracker, not every pass.
  onOutage?: (err: unknown) => void,
): () => void {
  if (!(ms > 0)) return () => {};
  let running = false;
  let again = false;
  let stopped = false;
  let lastStart = 0;
  let soon: ReturnType<typeof setTimeout> | null = null;
  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    lastStart = Date.now();
    runSequencer(db, new Date())
      .catch(backgroundFailure("audit log sequencing", onOutage))
      .finally(() => {
        running = false;
        if (again) tick();
      });
  };
  // The timer is for when the feed is quiet (or unavailable): after a pass the feed triggered, it
  // waits its turn, so that under load passes stay at most one per MIN_GAP_MS (two per second
  // cost twice the fixed cost per pass for the same events).
  const every = setInterval(() => {
    if (Date.now() - lastStart >= ms * 0.9) tick();
  }, ms);
  every.unref?.();
  let unsubscribe: (() => void) | undefined;
  // Under load the feed speaks every ~100 ms; a pass at most every MIN_GAP_MS batches what it names.
  const onChange = () => {
    soon ??= setTimeout(() => {
      soon = null;
      tick();
    }, Math.max(0, lastStart + MIN_GAP_MS - Date.now()));
  };
  feed.subscribe(onChange).then(
    (u) => (stopped ? u() : (unsubscribe = u)),
    (err) => console.error("[warden] audit log sequencer runs on its timer only; change feed unavailable:", (err as Error).message),
  );
  tick();
  return () => {
    stopped = true;
    clearInterval(every);
    if (soon) clearTimeout(soon);
    unsubscribe?.();
  };
}
