import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { statusOf } from "@/lib/api/errors";
import { parseReportPeriod } from "./period";

const now = new Date("2026-11-26T12:00:00Z");
const parse = (q: string) => parseReportPeriod(new URLSearchParams(q), now);
const fails = (q: string) => {
  try {
    parse(q);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect(statusOf(e as DomainError)).toBe(400);
    return (e as DomainError).message;
  }
  throw new Error(`accepted ${q}`);
};

describe("parseReportPeriod", () => {
  it("defaults to the last 30 days", () => {
    expect(parse("")).toEqual({ from: new Date("2026-10-27T12:00:00Z"), to: now });
    expect(parse("to=2026-11-01")).toEqual({ from: new Date("2026-10-02T00:00:00Z"), to: new Date("2026-11-01T00:00:00Z") });
    expect(parse("from=2026-11-01")).toEqual({ from: new Date("2026-11-01T00:00:00Z"), to: now });
  });

  it("takes dates and instants with a zone", () => {
    expect(parse("from=2026-01-01&to=2026-02-01T10:00:00%2B02:00")).toEqual({ from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-02-01T08:00:00Z") });
  });

  it("refuses bad input with a 400 naming the field", () => {
    expect(fails("from=yesterday")).toMatch(/^from:/);
    expect(fails("to=2026-13-45")).toMatch(/^to:/);
    expect(fails("to=2026-02-30")).toMatch(/^to:/);
    expect(fails("to=2026-11-01T10:00")).toMatch(/^to:/); // no zone: ambiguous
    expect(fails("from=2026-11-02&to=2026-11-01")).toMatch(/before/);
    expect(fails("from=2026-11-01&to=2026-11-01")).toMatch(/before/);
    expect(fails("from=2025-01-01&to=2026-11-01")).toMatch(/400 days/);
    expect(parse("from=2025-10-01&to=2026-11-05").to).toEqual(new Date("2026-11-05T00:00:00Z"));
  });
});
