import { notFound } from "@/lib/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getSessionDetail } from "@/lib/db/queries/sessions";
import { sessionTimeline, TIMELINE_PAGE } from "@/lib/db/queries/timeline";

// The session with its newest tool calls; older ones page through …/timeline?before=decisionsCursor.
export const GET = withPerson<{ id: string }>(
  async ({ params }) => {
    const db = await getDb();
    const id = idParam(params.id, "Session");
    const detail = await getSessionDetail(db, id);
    if (!detail) throw notFound("Session");
    const timeline = await sessionTimeline(db, id, { limit: TIMELINE_PAGE });
    return { ...detail, decisions: timeline.items, decisionsCursor: timeline.nextCursor };
  },
  { can: "readInventory" },
);
