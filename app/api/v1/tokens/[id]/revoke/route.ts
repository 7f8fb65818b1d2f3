import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { can } from "@/lib/policy/roles";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { revokeToken } from "@/lib/services/tokens/revoke";
import { tokenRevokeSchema } from "@/lib/services/tokens/schemas";

// Own tokens for everyone; an admin may revoke anyone's. Another person's id is a 404.
export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Token");
    const { reason } = await readJson(req, tokenRevokeSchema);
    const ownerId = can(person.role, "managePeople") ? null : person.id;
    return revokeToken(await getDb(), personCaller(person, meta), id, reason, { ownerId });
  },
  { can: "readInventory" },
);
