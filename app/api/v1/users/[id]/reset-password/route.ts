import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { resetPassword } from "@/lib/services/people/reset-password";
import { personCaller } from "@/lib/services/context";

// No body. The response is the only place the new one-time password ever appears.
export const POST = withPerson<{ id: string }>(
  async ({ person, params, meta }) => {
    const id = idParam(params.id, "Person");
    return resetPassword(await getDb(), personCaller(person, meta), id);
  },
  { can: "managePeople" },
);
