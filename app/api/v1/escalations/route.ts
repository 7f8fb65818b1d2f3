import { readQuery } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { escalationListSchema, listEscalations } from "@/lib/db/queries/escalations";

// The approvers' queue: everyone who may read the inventory may watch it; deciding is separate.
export const GET = withPerson(async ({ req }) => listEscalations(await getDb(), readQuery(req, escalationListSchema)), { can: "readInventory" });
