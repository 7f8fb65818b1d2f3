import { describe, expect, it } from "vitest";
import { diskLine, startDiskProbe, summariseFlushes } from "./disk-probe";

describe("the bench's disk-flush probe", () => {
  it("summarises flush times: quantiles, maximum, and the ones over 20 ms", () => {
    const times = [...Array.from({ length: 98 }, () => 0.1), 25, 300];
    const d = summariseFlushes(times);
    expect(d).toEqual({ count: 100, p50: 0.1, p99: 300, max: 300, over20: 2 });
    expect(diskLine("disk", d)).toBe("disk: 100 flushes of 8 KB, p50 0.1 ms, p99 300 ms, max 300 ms, 2 over 20 ms");
    expect(summariseFlushes([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0, over20: 0 });
  });

  it("flushes a real file in a child process until stopped", async () => {
    const probe = startDiskProbe(10);
    await new Promise((r) => setTimeout(r, 300));
    const d = await probe.stop();
    expect(d.count).toBeGreaterThan(5);
    expect(d.max).toBeGreaterThan(0);
    expect(d.p50).toBeLessThanOrEqual(d.max);
  });
});
