import { PageHeader } from "@/components/page-header";
import { DomainError } from "@/lib/errors";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { FRAMEWORKS } from "@/lib/frameworks/catalog";
import { buildReport } from "@/lib/reports/build";
import { parseReportPeriod } from "@/lib/reports/period";
import type { Report } from "@/lib/reports/types";
import { apiQuery, readView } from "@/lib/reports/view-params";
import { ReportsClient } from "./client";

export const metadata = { title: "Reports · Warden" };

export default async function ReportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const person = await requirePagePerson("readReports", "/reports");
  const sp = await searchParams;
  const view = readView((k) => (typeof sp[k] === "string" ? (sp[k] as string) : undefined));
  // First paint: the report for the URL's view, built here; the client refetches on changes.
  let initial: Report | null = null;
  let error: string | null = null;
  try {
    const period = parseReportPeriod(new URLSearchParams(apiQuery(view)));
    initial = asJson(await buildReport(await getDb(), { id: person.id, email: person.email }, view.framework, period));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    error = err.message;
  }
  return (
    <>
      <PageHeader title="Reports" description="How Warden's controls map to each framework, whether they are in force, and the evidence they left in a period. Gaps are shown, not hidden." />
      <ReportsClient initial={initial ? { view, report: initial } : null} initialError={error} frameworks={FRAMEWORKS.map((f) => ({ id: f.id, shortName: f.shortName }))} />
    </>
  );
}
