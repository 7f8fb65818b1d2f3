import { describe, expect, it } from "vitest";
import { fillTimeline, OVERVIEW_RANGES } from "./overview";

const HOUR = 3_600_000;
const since = new Date("2026-11-20T10:45:00.000Z");
const at = (h: number) => new Date(since.getTime() + h * HOUR).toISOString();

describe("fillTimeline", () => {
  it("gives every bucket of the range, the empty ones as zeros, in time order", () => {
    const found = [
      { bucket: at(2), allow: 3, deny: 1, escalate: 0 },
      { bucket: at(0), allow: 1, deny: 0, escalate: 0 },
    ];
    const out = fillTimeline(found, since, HOUR, new Date(since.getTime() + 5 * HOUR));
    expect(out.map((b) => b.bucket)).toEqual([at(0), at(1), at(2), at(3), at(4)]);
    expect(out[1]).toEqual({ bucket: at(1), allow: 0, deny: 0, escalate: 0 });
    expect(out[2]).toEqual(found[0]);
  });

  it("keeps a bucket off the grid instead of dropping its counts", () => {
    const odd = { bucket: new Date(since.getTime() + 90 * 60_000).toISOString(), allow: 7, deny: 0, escalate: 0 };
    const out = fillTimeline([odd], since, HOUR, new Date(since.getTime() + 3 * HOUR));
    expect(out.map((b) => b.bucket)).toEqual([at(0), at(1), odd.bucket, at(2)]);
    expect(out.reduce((n, b) => n + b.allow, 0)).toBe(7);
  });

  it("has as many buckets as each range holds", () => {
    for (const r of Object.values(OVERVIEW_RANGES)) {
      expect(fillTimeline([], since, r.strideMs, new Date(since.getTime() + r.ms))).toHaveLength(Math.round(r.ms / r.strideMs));
    }
  });
});
