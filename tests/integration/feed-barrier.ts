import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Change } from "../../lib/realtime/hub";
import type { TestDatabase } from "./db";

type Barrier = Change & { barrier?: string };

/**
 * Waits until every change-feed notice committed before this call has reached the runtime's
 * listeners: it sends a notice of its own and waits for it. Postgres delivers notices to a
 * listener in commit order, so when this one arrives every earlier one has (no fixed sleep).
 */
export async function feedSettled(h: TestDatabase, timeoutMs = 10_000): Promise<void> {
  const id = randomUUID();
  let arrived!: () => void;
  const seen = new Promise<void>((r) => (arrived = r));
  const stop = await h.rt.feed.subscribe((c: Barrier) => c.barrier === id && arrived());
  try {
    const payload: Barrier = { barrier: id, n: 0, seq: 0, sessions: [], agents: [], actions: [], truncated: false };
    await h.db.execute(sql`select pg_notify('warden_events', ${JSON.stringify(payload)})`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([seen, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the change feed did not deliver the barrier")), timeoutMs)))]);
    clearTimeout(timer);
  } finally {
    stop();
  }
}

/** A listener that keeps every change but the barriers of feedSettled. */
export const collect = (into: Change[]) => (c: Barrier) => void (c.barrier === undefined && into.push(c));
