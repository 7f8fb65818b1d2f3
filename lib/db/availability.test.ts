import { describe, expect, it, vi } from "vitest";
import { DatabaseAvailability } from "./availability";

const refusal = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

describe("database availability", () => {
  it("says once that the database is unreachable and once that it is back, with the count refused", async () => {
    vi.useFakeTimers();
    try {
      const lines: [string, string][] = [];
      let up = false;
      const probe = vi.fn(async () => {
        if (!up) throw refusal;
      });
      const a = new DatabaseAvailability(probe, { probeMs: 1000, log: (line, level) => lines.push([level, line]) });
      expect(a.down).toBe(false);
      for (let i = 0; i < 500; i++) a.refused(refusal);
      expect(a.down).toBe(true);
      expect(a.refusedSoFar).toBe(500);
      expect(lines).toEqual([["error", expect.stringMatching(/^\[warden\] database unreachable \(connect ECONNREFUSED 127\.0\.0\.1:5432\)/)]]);
      // The probe runs once a second while the database stays away, and says nothing.
      await vi.advanceTimersByTimeAsync(3000);
      expect(probe).toHaveBeenCalledTimes(3);
      expect(lines).toHaveLength(1);
      a.refused(refusal);
      up = true;
      // The probe answers, but a request was refused since the last one: not over yet.
      await vi.advanceTimersByTimeAsync(1000);
      expect(a.down).toBe(true);
      await vi.advanceTimersByTimeAsync(1000);
      expect(a.down).toBe(false);
      expect(lines[1]).toEqual(["info", expect.stringMatching(/^\[warden\] database reachable again after 5\.\d s; 501 requests refused meanwhile$/)]);
      // No probe once it is back; a new outage is a new pair of lines.
      await vi.advanceTimersByTimeAsync(5000);
      expect(probe).toHaveBeenCalledTimes(5);
      a.refused(refusal);
      a.reachable();
      expect(lines.slice(2).map(([, l]) => l)).toEqual([expect.stringMatching(/unreachable/), expect.stringMatching(/1 request refused meanwhile$/)]);
      a.reachable(); // nothing to end: silent
      expect(lines).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });

  // A full disk: `select 1` answers, every write fails. The outage lasts as long as requests are
  // refused, said once, however long that is.
  it("is not over while requests are still refused, even if the probe answers", async () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      const a = new DatabaseAvailability(async () => {}, { probeMs: 1000, log: (l) => lines.push(l) });
      for (let t = 0; t < 10_000; t += 300) {
        a.refused(Object.assign(new Error('could not extend file "base/5/16827": No space left on device'), { code: "53100" }));
        await vi.advanceTimersByTimeAsync(300);
      }
      expect(a.down).toBe(true);
      expect(lines).toEqual([expect.stringMatching(/^\[warden\] database unreachable \(53100 could not extend file .*No space left on device\)/)]);
      await vi.advanceTimersByTimeAsync(2000); // no refusal for a whole probe interval
      expect(a.down).toBe(false);
      expect(lines[1]).toMatch(/reachable again after 1\d\.\d s; 34 requests refused meanwhile$/);
      expect(lines).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("counts only refused requests: background work that notices the outage says it once, counts nothing", async () => {
    const lines: string[] = [];
    const a = new DatabaseAvailability(async () => {}, { log: (l) => lines.push(l) });
    a.noticed(refusal);
    a.noticed(refusal);
    a.refused(refusal);
    a.noticed(refusal);
    expect(a.refusedSoFar).toBe(1);
    a.reachable();
    a.stop();
    expect(lines).toEqual([expect.stringMatching(/unreachable/), expect.stringMatching(/; 1 request refused meanwhile$/)]);
  });

  it("stops probing when stopped", async () => {
    vi.useFakeTimers();
    try {
      const probe = vi.fn(async () => {
        throw refusal;
      });
      const a = new DatabaseAvailability(probe, { log: () => {} });
      a.refused(refusal);
      a.stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(probe).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
