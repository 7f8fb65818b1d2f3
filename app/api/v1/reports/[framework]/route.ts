import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { buildReport } from "@/lib/reports/build";
import { frameworkParam, parseReportPeriod } from "@/lib/reports/period";

// GET /api/v1/reports/{framework}?from=&to= -> the framework report (lib/reports/types.ts).
export const GET = withPerson<{ framework: string }>(
  async ({ req, person, params }) => {
    const framework = frameworkParam(params.framework);
    const period = parseReportPeriod(new URL(req.url).searchParams);
    return buildReport(await getDb(), { id: person.id, email: person.email }, framework, period);
  },
  { can: "readReports" },
);
