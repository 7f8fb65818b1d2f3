import { describe, expect, it } from "vitest";
import { describeThresholds, failureCheck, growthCheck, median, overall, p99Check, slopePerHour, thirds } from "./soak-verdict";

const MB = 2 ** 20;
const start = 0;
const end = 3_600_000; // an hour
const every = (ms: number, y: (t: number) => number) => Array.from({ length: end / ms + 1 }, (_, i) => ({ t: i * ms, y: y(i * ms) }));

describe("soak verdict", () => {
  it("leaves the first third out as the warm-up and compares the last with the second", () => {
    const { second, last } = thirds([0, 1, 2, 3, 4, 5, 6, 7, 8].map((t) => t * 400_000), (t) => t, start, end);
    expect(second).toEqual([1_200_000, 1_600_000, 2_000_000]);
    expect(last).toEqual([2_400_000, 2_800_000, 3_200_000]);
  });

  it("passes memory that grows during warm-up and then stays flat", () => {
    const rss = every(10_000, (t) => (t < 600_000 ? 150 + (t / 600_000) * 80 : 230 + Math.sin(t / 60_000) * 5) * MB);
    const c = growthCheck("front RSS", rss, start, end, 0.1, 0, { scale: MB, label: "MB", perHour: true });
    expect(c.ok).toBe(true);
    expect(c.detail).toMatch(/^230 → 230 MB/);
  });

  it("fails memory that keeps climbing", () => {
    const rss = every(10_000, (t) => (200 + (t / 3_600_000) * 150) * MB); // 150 MB an hour
    const c = growthCheck("app RSS", rss, start, end, 0.1, 0, { scale: MB, label: "MB", perHour: true });
    expect(c.ok).toBe(false);
    expect(c.detail).toContain("slope 150.0 MB/hour");
  });

  it("judges connections with a slack for small counts", () => {
    const fds = every(10_000, (t) => (t < 2_400_000 ? 40 : 43));
    expect(growthCheck("front fds", fds, start, end, 0.1, 2, { scale: 1, label: "" }).ok).toBe(true);
    const leak = every(10_000, (t) => 40 + Math.floor(t / 60_000));
    expect(growthCheck("front fds", leak, start, end, 0.1, 2, { scale: 1, label: "" }).ok).toBe(false);
  });

  it("passes a steady p99 with one slow window, fails a climbing one", () => {
    const windows = Array.from({ length: 120 }, (_, i) => ({ t: i * 30_000 + 15_000, p99: i === 100 ? 40 : 3 }));
    expect(p99Check(windows, start, end).ok).toBe(true);
    const climbing = windows.map((w) => ({ ...w, p99: 3 + w.t / 300_000 }));
    expect(p99Check(climbing, start, end).ok).toBe(false);
    // A small p99 may move by the slack: 2 ms → 3.9 ms is within max(2.5, 4).
    const small = windows.map((w) => ({ ...w, p99: w.t < 2_400_000 ? 2 : 3.9 }));
    expect(p99Check(small, start, end).ok).toBe(true);
  });

  it("says a run too short to cut into thirds is not judged", () => {
    const c = p99Check([{ t: 10, p99: 3 }], start, end);
    expect(c.ok).toBeNull();
    expect(overall([c, { name: "x", ok: true, detail: "" }])).toBe("NOT JUDGED");
    expect(overall([c, { name: "x", ok: false, detail: "" }])).toBe("FAIL");
  });

  it("names every kind of failure", () => {
    const none = { decisionErrors: 0, decisionNon2xx: 0, notAllowed: 0, uncommitted: 0, failedWindows: 0, consoleFailures: 0, exportFailures: 0, streamDrops: 0 };
    expect(failureCheck(none)).toEqual({ name: "no errors", ok: true, detail: "none" });
    expect(failureCheck({ ...none, decisionNon2xx: 3, streamDrops: 1 }).detail).toBe("decisionNon2xx 3, streamDrops 1");
  });

  it("states its thresholds", () => {
    const text = describeThresholds().join("\n");
    expect(text).toContain("growth under 10%");
    expect(text).toContain("× 1.25");
    expect(median([5, 1, 3, 2])).toBe(2.5);
    expect(slopePerHour([{ t: 0, y: 0 }, { t: 1_800_000, y: 5 }])).toBe(10);
  });
});
