import { describe, expect, it } from "vitest";
import { gcLine, summariseGcTrace } from "./gc-trace";

// Abridged lines as Node 20's --trace-gc-nvp prints them.
const scavenge = (pause: number, promoted: number) =>
  `[1234:0x5f]    51234 ms: pause=${pause} mutator=268.1 gc=s reduce_memory=0 time_to_safepoint=0.00 heap.prologue=0.00 promoted=${promoted} new_space_survived=356808 promotion_rate=92.8%`;
const full = (pause: number) => `[1234:0x5f]    52000 ms: pause=${pause} mutator=3011.4 gc=mc reduce_memory=0 time_to_safepoint=0.01 heap.prologue=0.00 promoted=0`;

describe("the server's GC trace", () => {
  it("counts young and full collections, their pauses and what was promoted", () => {
    const text = [scavenge(2, 300_000), "[warden] ready on http://127.0.0.1:3210", full(7.5), scavenge(1, 100_000), full(4.2), ""].join("\n");
    const g = summariseGcTrace(text);
    expect(g).toEqual({ young: 2, youngMeanMs: 1.5, full: 2, fullMaxMs: 7.5, promoted: 400_000 });
    expect(gcLine("steady", g, 400)).toBe("steady: 2 young collections (mean 1.50 ms), 2 full (longest final pause 7.5 ms); 0.98 KB promoted to the old generation per decision");
  });

  it("reads nothing from lines that are not collections", () => {
    expect(summariseGcTrace("[warden] ready\nrequest failed: gc=\n")).toEqual({ young: 0, youngMeanMs: 0, full: 0, fullMaxMs: 0, promoted: 0 });
  });
});
