// Time as the runtime sees it. Caches, refresh intervals and background passes read this
// instead of Date.now(), so a test can move time forward rather than wait it out.

export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Real time plus an offset that only grows: time keeps flowing (timers, the database's own
 * clock stay sensible) and a test jumps it ahead past a TTL with `advance`.
 */
export class TestClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error("a clock only moves forward");
    this.offset += ms;
  }
}
