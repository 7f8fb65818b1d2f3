import { readQuery } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/db/client";
import { listSessions, sessionListSchema } from "@/lib/db/queries/sessions";

export const GET = withPerson(async ({ req }) => listSessions(await getDb(), readQuery(req, sessionListSchema)), {
  can: "readInventory",
});
