import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TestClock } from "../../lib/clock";
import { rows, type DatabaseHandle } from "../../lib/db/client";
import { HeldConnection } from "../../lib/db/raw";
import { openTestDatabase } from "./db";

// The group writer's connection (lib/db/raw.ts): statements in order on one held connection,
// a statement's own error leaves it usable, a lost connection is replaced, and it goes back
// to the pool once idle.
describe("held connection on postgres", () => {
  let h: DatabaseHandle;
  let pool: { totalCount: number; idleCount: number };
  beforeAll(async () => {
    h = await openTestDatabase("postgres");
    pool = (h.db as unknown as { $client: typeof pool }).$client;
  });
  afterAll(async () => h?.close());

  const pid = async (c: HeldConnection) => Number((await c.run({ text: "select pg_backend_pid() as pid" }))[0].pid);

  it("runs statements in the order issued on one connection, with inlined parameters", async () => {
    const c = HeldConnection.of(h.db)!;
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => c.run({ text: "select $1::int as i, pg_backend_pid() as pid, clock_timestamp() as t", params: [String(i)] })));
    expect(out.map((r) => Number(r[0].i))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(out.map((r) => r[0].pid)).size).toBe(1);
    const times = out.map((r) => new Date(r[0].t as string).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // A parameter cannot end its literal and become SQL.
    const [r] = await c.run({ text: "select $1::text as v", params: ["x$w$; drop table agents; --"] });
    expect(r.v).toBe("x$w$; drop table agents; --");
  });

  it("stays usable after a statement fails, and replaces a connection that was lost", async () => {
    const c = HeldConnection.of(h.db)!;
    const first = await pid(c);
    await expect(c.run({ text: "select 1/0" })).rejects.toThrow(/division by zero/);
    expect(await pid(c)).toBe(first); // rolled itself back; same connection
    await h.db.execute(sql`select pg_terminate_backend(${first})`);
    await expect(pid(c)).rejects.toThrow();
    const next = await pid(c);
    expect(next).not.toBe(first);
  });

  it("prepares a named statement once per connection, sends only its parameters after that, and prepares it again on a new connection", async () => {
    const c = HeldConnection.of(h.db)!;
    const named = (v: string) => c.run({ name: "held_echo", text: "select $1::text as v, pg_backend_pid() as pid", params: [v] });
    const prepared = async () => Number((await c.run({ text: "select count(*) as n from pg_prepared_statements where name = 'held_echo'" }))[0].n);
    const [a] = await named("x$w$'; drop table agents; --");
    expect(a.v).toBe("x$w$'; drop table agents; --"); // a bound value, never SQL
    const out = await Promise.all(["1", "2", "3"].map(named));
    expect(out.map((r) => r[0].v)).toEqual(["1", "2", "3"]);
    expect(await prepared()).toBe(1); // one preparation, reused
    await h.db.execute(sql`select pg_terminate_backend(${Number(a.pid)})`);
    await expect(named("lost")).rejects.toThrow();
    const [b] = await named("again");
    expect([b.v, Number(b.pid) !== Number(a.pid)]).toEqual(["again", true]);
    expect(await prepared()).toBe(1);
  });

  it("leaves no listeners behind on the pool's clients after holding them many times", async () => {
    const c = HeldConnection.of(h.db)!;
    const clients = () => (h.db as unknown as { $client: { _clients: { listenerCount(e: string): number }[] } }).$client._clients;
    const listeners = () => clients().reduce((n, k) => n + k.listenerCount("end") + k.listenerCount("error"), 0);
    await pid(c);
    c.yieldIfIdle();
    const before = listeners();
    for (let i = 0; i < 15; i++) {
      await pid(c);
      c.yieldIfIdle();
    }
    expect(listeners()).toBe(before);
  });

  it("gives the connection back to the pool after a second without statements", async () => {
    const clock = new TestClock();
    const c = HeldConnection.of(h.db, clock)!;
    await pid(c);
    expect(pool.totalCount - pool.idleCount).toBeGreaterThanOrEqual(1);
    clock.advance(1100); // a second without statements, as this connection's clock sees it
    // Its idle check runs every half second: it gives the connection back at the next one.
    await vi.waitFor(() => expect(pool.totalCount - pool.idleCount).toBe(0), { timeout: 2_000, interval: 50 });
    // And takes one again when work comes back.
    expect(rows<{ n: number }>(await h.db.execute(sql`select 1 as n`))[0].n).toBe(1);
    expect(await pid(c)).toBeGreaterThan(0);
  });
});
