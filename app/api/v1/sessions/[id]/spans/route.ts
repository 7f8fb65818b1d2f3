import { notFound } from "@/lib/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/db/client";
import { sessions } from "@/lib/db/schema";
import { sessionSpans } from "@/lib/db/queries/traces";
import { eq } from "drizzle-orm";

// The newest spans of the session's agent traces (OTLP ingest), each tool call marked checked
// (with its decision) or unchecked.
export const GET = withPerson<{ id: string }>(
  async ({ params }) => {
    const id = idParam(params.id, "Session");
    const db = await getDb();
    const [s] = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, id));
    if (!s) throw notFound("Session");
    return { items: await sessionSpans(db, id) };
  },
  { can: "readInventory" },
);
