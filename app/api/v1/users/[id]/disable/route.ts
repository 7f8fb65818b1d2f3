import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { reasonSchema } from "@/lib/domain/people/schemas";
import { setPersonDisabled } from "@/lib/services/people/set-disabled";
import { personCaller } from "@/lib/services/context";

export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Person");
    const { reason } = await readJson(req, reasonSchema);
    return setPersonDisabled(await getDb(), personCaller(person, meta), id, true, reason);
  },
  { can: "managePeople" },
);
