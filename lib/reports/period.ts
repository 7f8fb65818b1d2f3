// The report period from query parameters: ISO dates or date-times, half-open [from, to).
// Shared by the reports API, the page and the exports so all read ?from=&to= the same way.
import { ApiError, invalid } from "@/lib/api/errors";
import { getFramework } from "@/lib/frameworks/catalog";
import { REPORT_FRAMEWORKS, type ReportFrameworkId } from "./types";

export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 400;
const DAY = 86_400_000;
// 2026-01-31, or 2026-01-31T12:00(:00(.000)) with Z or an offset.
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseDate(name: "from" | "to", value: string | null): Date | undefined {
  if (value === null || value === "") return undefined;
  const d = ISO.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw invalid(name, `"${value.slice(0, 40)}" is not an ISO date or date-time such as 2026-01-31 or 2026-01-31T00:00:00Z`);
  return d;
}

/** Default: the last 30 days up to now. Throws a 400 with a clear message for a bad period. */
export function parseReportPeriod(params: URLSearchParams, now = new Date()): { from: Date; to: Date } {
  const to = parseDate("to", params.get("to")) ?? now;
  const from = parseDate("from", params.get("from")) ?? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY);
  if (from.getTime() >= to.getTime()) throw invalid("from", "must be before to");
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY) throw invalid("from", `the period may span at most ${MAX_PERIOD_DAYS} days`);
  return { from, to };
}

/** A framework id from the path; anything else is 404. */
export function frameworkParam(value: unknown): ReportFrameworkId {
  if (typeof value !== "string" || !(REPORT_FRAMEWORKS as readonly string[]).includes(value) || !getFramework(value)) {
    throw new ApiError("not_found", `Framework not found; known frameworks: ${REPORT_FRAMEWORKS.join(", ")}`);
  }
  return value as ReportFrameworkId;
}
