import { readQuery } from "@/lib/api/body";
import { notFound } from "@/lib/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { sessionExists } from "@/lib/db/queries/sessions";
import { sessionTimeline, timelineQuerySchema } from "@/lib/db/queries/timeline";

// A session's tool calls, paged newest first (?before=cursor), or what is newer than a cursor
// (?after=cursor) for a live view catching up after a change event.
export const GET = withPerson<{ id: string }>(
  async ({ req, params }) => {
    const id = idParam(params.id, "Session");
    const db = await getDb();
    if (!(await sessionExists(db, id))) throw notFound("Session");
    return sessionTimeline(db, id, readQuery(req, timelineQuerySchema));
  },
  { can: "readInventory" },
);
