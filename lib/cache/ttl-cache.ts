import { systemClock, type Clock } from "@/lib/clock";

/**
 * A small time-bounded cache for the decision path's reads. Only for facts the group writer
 * re-checks inside the commit (agent status, session status / expiry / intent version,
 * credential revocation), so a stale entry can never turn a revoked or ended thing into an
 * allow: at worst a decision is computed on old facts and then downgraded to deny.
 */
export class TtlCache<V> {
  private map = new Map<string, { v: V; at: number }>();
  /** Keys being renewed in the background (at most one renewal per key at a time). */
  private renewing = new Set<string>();
  /** Moves on every delete / clear: a read that began before one must not be stored after it. */
  private epoch = 0;

  constructor(
    private ttlMs: number,
    private clock: Clock = systemClock,
    private max = 10_000,
  ) {}

  /**
   * The entry, never older than the ttl. Given `renew`, the first read past half the ttl starts
   * it in the background and still gets the cached value: under steady traffic an entry is
   * renewed before it expires, so requests never find it gone all at once (at saturation that
   * was a burst of identical queries, one per waiting request, every ttl). `renew` resolves to
   * the fresh value, or undefined to drop the entry; if it fails the entry simply ages out.
   */
  get(key: string, now = this.clock.now(), renew?: () => Promise<V | undefined>): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    const age = now - e.at;
    if (age > this.ttlMs) {
      this.map.delete(key);
      return undefined;
    }
    if (renew && age * 2 > this.ttlMs && !this.renewing.has(key)) {
      this.renewing.add(key);
      const read = this.begin(now);
      renew().then(
        (v) => {
          this.renewing.delete(key);
          if (v === undefined) this.delete(key);
          else this.set(key, v, read);
        },
        () => this.renewing.delete(key),
      );
    }
    return e.v;
  }

  /**
   * Stores `v`. With `read` (from begin(), taken before the value was read), the entry's age
   * counts from that moment, and nothing is stored if the key was deleted since: a read that
   * raced an intent change or a session's end cannot put the old facts back.
   */
  set(key: string, v: V, read?: { at: number; epoch: number }) {
    if (read && read.epoch !== this.epoch) return;
    if (this.map.size >= this.max && !this.map.has(key)) this.map.delete(this.map.keys().next().value as string); // oldest first
    this.map.set(key, { v, at: read?.at ?? this.clock.now() });
  }

  /** Marks the start of a read whose result will be stored with set(). */
  begin(now = this.clock.now()): { at: number; epoch: number } {
    return { at: now, epoch: this.epoch };
  }

  delete(key: string) {
    this.epoch++;
    this.map.delete(key);
  }

  clear() {
    this.epoch++;
    this.map.clear();
  }
}
