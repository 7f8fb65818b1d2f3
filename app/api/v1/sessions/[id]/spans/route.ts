import { notFound } from "@/lib/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { sessionExists } from "@/lib/db/queries/sessions";
import { sessionSpans } from "@/lib/db/queries/traces";

// The newest spans of the session's agent traces (OTLP ingest), each tool call marked checked
// (with its decision) or unchecked.
export const GET = withPerson<{ id: string }>(
  async ({ params }) => {
    const id = idParam(params.id, "Session");
    const db = await getDb();
    if (!(await sessionExists(db, id))) throw notFound("Session");
    return { items: await sessionSpans(db, id) };
  },
  { can: "readInventory" },
);
