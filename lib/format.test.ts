import { describe, expect, it } from "vitest";
import {
  formatCompact,
  formatCount,
  formatDuration,
  formatLocalDateTime,
  formatPercent,
  formatRelative,
  formatStableDateTime,
} from "./format";

describe("numbers", () => {
  it("groups counts the same way whatever the runtime's locale", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(-1200)).toBe("-1,200");
  });
  it("compacts large counts", () => {
    expect(formatCompact(950)).toBe("950");
    expect(formatCompact(1234)).toBe("1.2K");
    expect(formatCompact(2_500_000)).toBe("2.5M");
  });
  it("turns a share into a percentage, and an empty whole into 0%", () => {
    expect(formatPercent(1, 3)).toBe("33%");
    expect(formatPercent(1, 3, 1)).toBe("33.3%");
    expect(formatPercent(5, 0)).toBe("0%");
  });
  it("reads durations in the unit that fits", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(0.25)).toBe("250 µs");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(1234)).toBe("1.2 s");
    expect(formatDuration(150_000)).toBe("150.0 s");
  });
});

describe("dates", () => {
  it("gives a stable UTC text from the ISO form alone", () => {
    expect(formatStableDateTime("2025-03-01T14:05:59.123Z")).toBe("2025-03-01 14:05 UTC");
  });
  it("formats local date-times with or without seconds", () => {
    const d = new Date("2025-03-01T14:05:09Z");
    expect(formatLocalDateTime(d, { seconds: true })).toBe(
      new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" }).format(d),
    );
    expect(formatLocalDateTime(d)).toBe(new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "short" }).format(d));
  });
  it("says how long ago or ahead, coarsely under a minute", () => {
    const now = Date.parse("2025-03-01T12:00:00Z");
    const at = (s: number) => new Date(now + s * 1000);
    expect(formatRelative(at(-10), now)).toBe("just now");
    expect(formatRelative(at(0), now)).toBe("just now");
    expect(formatRelative(at(20), now)).toBe("in <1 min");
    expect(formatRelative(at(-180), now)).toBe("3 min ago");
    expect(formatRelative(at(7200), now)).toBe("in 2 h");
    expect(formatRelative(at(-86_400 * 3), now)).toBe("3 d ago");
    expect(formatRelative(at(-86_400 * 60), now)).toBe("2 mo ago");
    expect(formatRelative(at(-86_400 * 800), now)).toBe("2 y ago");
  });
});
