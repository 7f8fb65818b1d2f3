import { readQuery } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { findingListSchema, listFindings } from "@/lib/db/queries/findings";

export const GET = withPerson(async ({ req }) => listFindings(await getDb(), readQuery(req, findingListSchema)), { can: "readInventory" });
