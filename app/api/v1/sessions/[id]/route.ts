import { notFound } from "@/lib/api/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/db/client";
import { getSessionDetail } from "@/lib/db/queries/sessions";

export const GET = withPerson<{ id: string }>(
  async ({ params }) => {
    const detail = await getSessionDetail(await getDb(), idParam(params.id, "Session"));
    if (!detail) throw notFound("Session");
    return detail;
  },
  { can: "readInventory" },
);
