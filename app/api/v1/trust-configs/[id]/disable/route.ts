import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { reasonSchema } from "@/lib/services/trust/schemas";
import { setTrustEnabled } from "@/lib/services/trust/set-enabled";

export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Trust config");
    const { reason } = await readJson(req, reasonSchema);
    return setTrustEnabled(await getDb(), personCaller(person, meta), id, false, reason);
  },
  { can: "manageIdentity" },
);
