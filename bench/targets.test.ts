import { describe, expect, it } from "vitest";
import { generalPolicyTargetLine, targetLines } from "./targets";

describe("speed targets", () => {
  it("says met or NOT met for each, with the figure it rests on", () => {
    const lines = targetLines(
      [
        { generator: "wrk", rps: 9103, p99: 12.1, bareRps: 38480 },
        { generator: "autocannon", rps: 8058, p99: 15, bareRps: 22614 },
      ],
      [
        { sender: "C sender", p99: 4.2 },
        { sender: "Node sender", p99: 5.74 },
      ],
      { decisions: 100, audited: 99 },
    );
    expect(lines).toEqual([
      "≥ 8,000 decisions/s with p99 < 15 ms at 50 connections (wrk): met — 9,103/s, p99 12.1 ms",
      "warden / bare ≥ 0.1 (wrk): met — 0.237",
      // p99 of exactly 15 ms is not under 15.
      "≥ 8,000 decisions/s with p99 < 15 ms at 50 connections (autocannon): NOT met — 8,058/s, p99 15 ms",
      "warden / bare ≥ 0.1 (autocannon): met — 0.356",
      "p99 < 5 ms at a steady 1,000/s (C sender): met — p99 4.2 ms",
      "p99 < 5 ms at a steady 1,000/s (Node sender): NOT met — p99 5.74 ms",
      "every decision committed with its audit event: NOT met — 99 of 100",
    ]);
  });

  it("a slow run misses the rate even with a good ratio", () => {
    const [rate, ratio] = targetLines([{ generator: "wrk", rps: 3500, p99: 27, bareRps: 13000 }], [], { decisions: 1, audited: 1 });
    expect(rate).toContain("NOT met");
    expect(ratio).toContain(": met");
  });
});

describe("general policies target", () => {
  it("is met up to 1.5x and not above", () => {
    expect(generalPolicyTargetLine(1.5)).toBe("1,000 vs 10 general policies, time per decision ≤ 1.5x: met — x1.50");
    expect(generalPolicyTargetLine(1.52)).toBe("1,000 vs 10 general policies, time per decision ≤ 1.5x: NOT met — x1.52");
  });
});
