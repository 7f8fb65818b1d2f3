import { describe, expect, it, vi } from "vitest";
import { systemClock } from "@/lib/clock";
import { TtlCache } from "./ttl-cache";

const flush = () => new Promise((r) => setImmediate(r));

describe("TtlCache", () => {
  it("forgets entries after the ttl and evicts the oldest beyond max", () => {
    const c = new TtlCache<number>(100, systemClock, 2);
    c.set("a", 1, c.begin(0));
    expect(c.get("a", 50)).toBe(1);
    expect(c.get("a", 101)).toBeUndefined();
    c.set("a", 1, c.begin(200));
    c.set("b", 2, c.begin(200));
    c.set("c", 3, c.begin(200));
    expect(c.get("a", 201)).toBeUndefined();
    expect(c.get("b", 201)).toBe(2);
    expect(c.get("c", 201)).toBe(3);
    c.set("c", 4, c.begin(202)); // replacing an entry evicts nothing
    expect(c.get("b", 203)).toBe(2);
  });

  it("renews an entry once past half its ttl, in the background, one renewal at a time", async () => {
    const c = new TtlCache<number>(100);
    c.set("a", 1, c.begin(0));
    const renew = vi.fn(() => Promise.resolve(2));
    expect(c.get("a", 40, renew)).toBe(1); // young: no renewal
    expect(renew).not.toHaveBeenCalled();
    expect(c.get("a", 60, renew)).toBe(1); // past half: still the cached value, renewal starts
    expect(c.get("a", 61, renew)).toBe(1); // one renewal per key at a time
    expect(renew).toHaveBeenCalledTimes(1);
    await flush();
    // The renewed value counts its age from when the renewal began (60), so at 150 it is
    // fresh where the first one (stored at 0) would have expired.
    expect(c.get("a", 150)).toBe(2);
    expect(c.get("a", 161)).toBeUndefined();
  });

  it("drops the entry when the renewal finds nothing, and keeps it to its ttl when the renewal fails", async () => {
    const c = new TtlCache<number>(100);
    c.set("gone", 1, c.begin(0));
    c.set("flaky", 1, c.begin(0));
    c.get("gone", 60, () => Promise.resolve(undefined));
    c.get("flaky", 60, () => Promise.reject(new Error("db down")));
    await flush();
    expect(c.get("gone", 61)).toBeUndefined();
    expect(c.get("flaky", 61)).toBe(1);
    expect(c.get("flaky", 101)).toBeUndefined();
  });

  it("never stores a read that began before a delete (an intent change or an end racing the read)", async () => {
    const c = new TtlCache<string>(100);
    const before = c.begin(0);
    c.delete("s"); // e.g. forgetSession after the intent changed
    c.set("s", "old intent", before);
    expect(c.get("s", 1)).toBeUndefined();
    c.set("s", "new intent", c.begin(2));
    expect(c.get("s", 3)).toBe("new intent");
    // The same for a background renewal that was under way when the entry was forgotten.
    let finish!: (v: string) => void;
    c.get("s", 60, () => new Promise((r) => (finish = r)));
    c.delete("s");
    finish("stale");
    await flush();
    expect(c.get("s", 61)).toBeUndefined();
  });
});
