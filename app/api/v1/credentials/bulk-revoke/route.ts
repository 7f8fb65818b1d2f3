import { readJson } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { bulkRevokeCredentials } from "@/lib/services/credentials/bulk-revoke";
import { bulkRevokeSchema } from "@/lib/domain/credentials/schemas";

// Bulk revocation by people: { ids: [...up to 500], reason }. All or nothing on unknown ids.
export const POST = withPerson(
  async ({ req, person, meta }) => {
    const { ids, reason } = await readJson(req, bulkRevokeSchema);
    return bulkRevokeCredentials(await getDb(), personCaller(person, meta), ids, reason);
  },
  { can: "revokeCredentials" },
);
