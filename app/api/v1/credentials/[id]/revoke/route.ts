import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { reasonSchema } from "@/lib/domain/agents/schemas";
import { personCaller } from "@/lib/services/context";
import { revokeCredential } from "@/lib/services/credentials/revoke";

export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Credential");
    const { reason } = await readJson(req, reasonSchema);
    return revokeCredential(await getDb(), personCaller(person, meta), id, reason);
  },
  { can: "revokeCredentials" },
);
