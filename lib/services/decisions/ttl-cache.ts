/**
 * A small time-bounded cache for the decision path's reads. Only for facts the group writer
 * re-checks inside the commit (agent status, session status / expiry / intent version,
 * credential revocation), so a stale entry can never turn a revoked or ended thing into an
 * allow: at worst a decision is computed on old facts and then downgraded to deny.
 */
export class TtlCache<V> {
  private map = new Map<string, { v: V; at: number }>();
  constructor(
    private ttlMs: number,
    private max = 10_000,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (now - e.at > this.ttlMs) {
      this.map.delete(key);
      return undefined;
    }
    return e.v;
  }

  set(key: string, v: V, now = Date.now()) {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string); // oldest first
    this.map.set(key, { v, at: now });
  }

  delete(key: string) {
    this.map.delete(key);
  }

  clear() {
    this.map.clear();
  }
}
