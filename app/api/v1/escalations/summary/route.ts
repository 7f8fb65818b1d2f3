import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { escalationSummary } from "@/lib/db/queries/escalations";

// The nav badge polls this on every change signal, so it is two index-backed counts and nothing more.
export const GET = withPerson(async () => escalationSummary(await getDb()), { can: "readInventory" });
