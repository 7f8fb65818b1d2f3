import { readJson } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { changeOwnPassword } from "@/lib/services/people/change-password";
import { passwordChangeSchema } from "@/lib/domain/people/schemas";
import { personCaller } from "@/lib/services/context";

// Ends every browser session of this person, the caller's own included: the UI signs in again.
export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, passwordChangeSchema);
    const me = await changeOwnPassword(await getDb(), personCaller(person, meta), person, input);
    return { ok: true, mustChangePassword: me.mustChangePassword };
  },
  { can: "readInventory" },
);
