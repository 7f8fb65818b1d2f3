// The period a report covers, from `?from=&to=` query values. Shared by the report API and its
// exports so both accept and refuse the same input.
import { DomainError, invalid } from "@/lib/errors";
import { getFramework } from "@/lib/frameworks/catalog";
import { REPORT_FRAMEWORKS, type ReportFrameworkId } from "./types";

export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 400;
const DAY_MS = 86_400_000;

// A calendar date (2026-11-26, midnight UTC) or an ISO 8601 instant with a zone (Z or ±hh:mm).
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseInstant(name: "from" | "to", value: string): Date {
  const d = ISO.test(value) ? new Date(value) : new Date(NaN);
  // Date parsing rolls 2026-02-30 over to March; a calendar date must come back as given.
  const rolled = value.length === 10 && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) !== value;
  if (Number.isNaN(d.getTime()) || rolled) throw invalid(name, "must be an ISO 8601 date (2026-11-26) or instant with a zone (2026-11-26T09:30:00Z)");
  return d;
}

/**
 * `from` inclusive, `to` exclusive. Missing both: the last 30 days up to now; only `to`: the 30
 * days before it; only `from`: from then until now. Refuses from >= to and spans over 400 days.
 */
export function parseReportPeriod(params: URLSearchParams, now = new Date()): { from: Date; to: Date } {
  const rawFrom = params.get("from") || null;
  const rawTo = params.get("to") || null;
  const to = rawTo ? parseInstant("to", rawTo) : now;
  const from = rawFrom ? parseInstant("from", rawFrom) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) throw invalid("from", "must be before to");
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw invalid("to", `the period may span at most ${MAX_PERIOD_DAYS} days`);
  return { from, to };
}

/** A framework id from the path; anything else is 404. */
export function frameworkParam(value: unknown): ReportFrameworkId {
  if (typeof value !== "string" || !(REPORT_FRAMEWORKS as readonly string[]).includes(value) || !getFramework(value)) {
    throw new DomainError("not_found", `Framework not found; known frameworks: ${REPORT_FRAMEWORKS.join(", ")}`);
  }
  return value as ReportFrameworkId;
}
