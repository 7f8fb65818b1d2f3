import { describe, expect, it } from "vitest";
import { fixtureReport } from "./fixture";
import { reportToJson } from "./json";

describe("reportToJson", () => {
  it("round-trips the report and adds the export block with the chain head", () => {
    const report = fixtureReport("nist-ai-rmf-1.0");
    const bytes = reportToJson(report);
    const parsed = JSON.parse(bytes.toString("utf8"));
    const { export: block, ...rest } = parsed;
    expect(rest).toEqual(report);
    expect(block).toEqual({ format: "json", chainHead: report.chainHead, generatedAt: report.generatedAt });
  });

  it("is deterministic, so the same report hashes the same", () => {
    const r = fixtureReport();
    expect(reportToJson(r).equals(reportToJson(structuredClone(r)))).toBe(true);
  });
});
