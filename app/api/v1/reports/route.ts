import { withPerson } from "@/lib/api/with-person";
import { FRAMEWORKS } from "@/lib/frameworks/catalog";

// GET /api/v1/reports -> the frameworks a report can be run for.
export const GET = withPerson(
  async () => ({
    items: FRAMEWORKS.map((f) => ({
      id: f.id,
      name: f.name,
      shortName: f.shortName,
      version: f.version,
      // NIST AI RMF is assessed per subcategory; functions and categories group them.
      itemCount: f.items.filter((i) => !i.level || i.level === "subcategory").length,
    })),
  }),
  { can: "readReports" },
);
