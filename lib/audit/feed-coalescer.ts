/**
 * The change-feed notice of the decision writer (lib/audit/group-writer.ts), coalesced.
 *
 * Every statement that appends audit events sends one NOTIFY on the change feed (migration
 * 0008), and every listening app instance wakes for each. The decision writer's batches are
 * nearly all of those statements: hundreds a second under load, each waking every instance's
 * listener for live views that refetch at most every 250 ms anyway (app/api/v1/stream). So the
 * writer's one-round-trip batches skip the trigger (migration 0017) and the writer sends the
 * notice itself: the first batch after a quiet spell carries it at once (no added delay), and
 * within `intervalMs` of that what its batches append is merged into one notice, sent with the
 * first batch after the interval or, if none comes, by a timer. Same payload as the trigger's.
 */
export type FeedNotice = { n: number; sessions: string[]; agents: string[]; actions: string[]; truncated: boolean };

/** What one batch appends: per audit event, its session, agent and action. */
export type FeedEntry = { sessionId?: string | null; agentId?: string | null; action: string };

// The trigger's caps (migration 0013): they keep a notice well under NOTIFY's 8,000 bytes.
const MAX_IDS = 40;
const MAX_ACTIONS = 20;

type Pending = { n: number; sessions: Set<string>; agents: Set<string>; actions: Set<string>; truncated: boolean };

export class FeedCoalescer {
  private pending: Pending | null = null;
  private lastSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * @param send sends a notice on its own (the timer's flush); resolves when it is sent
   * @param intervalMs at most one notice per this long, except a notice put back after a failure
   */
  constructor(
    private readonly send: (notice: FeedNotice) => Promise<void>,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Adds a batch's entries. Returns the notice the batch should carry (everything pending,
   * this batch included) when one is due, else null: then the entries wait for the next
   * notice, and a timer makes sure there is one.
   */
  take(entries: FeedEntry[]): FeedNotice | null {
    this.merge(entries);
    if (this.now() - this.lastSent < this.intervalMs) {
      this.schedule();
      return null;
    }
    return this.detach();
  }

  /** A notice whose batch wrote nothing (refused or failed): its entries wait for the next one. */
  putBack(notice: FeedNotice) {
    const p = (this.pending ??= empty());
    p.n += notice.n;
    notice.sessions.forEach((s) => p.sessions.add(s));
    notice.agents.forEach((a) => p.agents.add(a));
    notice.actions.forEach((a) => p.actions.add(a));
    p.truncated ||= notice.truncated;
    this.schedule();
  }

  /** Sends what is pending now (a writer being drained before the process exits). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const notice = this.detach();
    if (!notice) return;
    try {
      await this.send(notice);
    } catch {
      // The database is unreachable: listeners will learn of these rows from the next notice
      // (a view refetches everything it shows), or resync when their own connection recovers.
      this.putBack(notice);
    }
  }

  get hasPending(): boolean {
    return this.pending !== null;
  }

  private merge(entries: FeedEntry[]) {
    const p = (this.pending ??= empty());
    for (const e of entries) {
      p.n++;
      if (e.sessionId) p.sessions.add(e.sessionId);
      if (e.agentId) p.agents.add(e.agentId);
      p.actions.add(e.action);
    }
  }

  private detach(): FeedNotice | null {
    const p = this.pending;
    if (!p) return null;
    this.pending = null;
    this.lastSent = this.now();
    // More than a notice holds: listeners treat it as "anything may have changed".
    const truncated = p.truncated || p.sessions.size > MAX_IDS || p.agents.size > MAX_IDS || p.actions.size > MAX_ACTIONS;
    return { n: p.n, sessions: first(p.sessions, MAX_IDS), agents: first(p.agents, MAX_IDS), actions: first(p.actions, MAX_ACTIONS), truncated };
  }

  private schedule() {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      // A batch may have carried the pending entries meanwhile; then there is nothing to send.
      if (this.now() - this.lastSent < this.intervalMs) return this.pending && this.schedule();
      void this.flush();
    }, wait);
    this.timer.unref?.();
  }
}

const empty = (): Pending => ({ n: 0, sessions: new Set(), agents: new Set(), actions: new Set(), truncated: false });
const first = (s: Set<string>, n: number) => [...s].slice(0, n);
