// The Reports page's URL state (?framework=&range=7d|30d|90d|custom&from=&to=&status=), shared by
// the server page (first paint) and the client. No "use client": both sides import it.
import { REPORT_FRAMEWORKS, type ReportFrameworkId } from "./types";

export const RANGES = ["7d", "30d", "90d", "custom"] as const;
export type Range = (typeof RANGES)[number];
export const STATUS_FILTERS = ["all", "covered", "partial", "gap"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export type ReportView = { framework: ReportFrameworkId; range: Range; from?: string; to?: string; status: StatusFilter };

const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const pick = <T extends string>(all: readonly T[], v: string | null | undefined, d: T): T => (v && (all as readonly string[]).includes(v) ? (v as T) : d);

export function readView(get: (k: string) => string | null | undefined): ReportView {
  const range = pick(RANGES, get("range"), "30d");
  const from = get("from") ?? undefined;
  const to = get("to") ?? undefined;
  return {
    framework: pick(REPORT_FRAMEWORKS, get("framework"), "owasp-asi-2026"),
    range,
    ...(range === "custom" ? { from: from && DATE.test(from) ? from : undefined, to: to && DATE.test(to) ? to : undefined } : {}),
    status: pick(STATUS_FILTERS, get("status"), "all"),
  };
}

/**
 * The API query for a view. Presets end now; a custom period runs from the start of its first
 * day to the end of its last (UTC), so "to" is inclusive on the page and exclusive in the API.
 */
export function apiQuery(v: ReportView, now = Date.now()): string {
  if (v.range === "custom") {
    const p = new URLSearchParams();
    if (v.from) p.set("from", `${v.from}T00:00:00Z`);
    if (v.to) p.set("to", new Date(Date.parse(`${v.to}T00:00:00Z`) + DAY).toISOString());
    return p.toString();
  }
  const days = Number(v.range.replace("d", ""));
  return new URLSearchParams({ from: new Date(now - days * DAY).toISOString(), to: new Date(now).toISOString() }).toString();
}

/** The react-query key: presets by name (not by the moving clock), custom periods by their dates. */
export const viewKey = (v: ReportView) => ["report", v.framework, v.range, v.from ?? "", v.to ?? ""] as const;
