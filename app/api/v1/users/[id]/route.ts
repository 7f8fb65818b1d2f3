import { notFound } from "@/lib/errors";
import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listTokensForUser } from "@/lib/db/queries/tokens";
import { getUserById } from "@/lib/db/queries/users";
import { personUpdateSchema } from "@/lib/domain/people/schemas";
import { updatePerson } from "@/lib/services/people/update";
import { personCaller } from "@/lib/services/context";

type P = { id: string };

// The person plus their API tokens (no hashes), so an admin can find and revoke one.
export const GET = withPerson<P>(
  async ({ params }) => {
    const id = idParam(params.id, "Person");
    const db = await getDb();
    const person = await getUserById(db, id);
    if (!person) throw notFound("Person");
    return { ...person, tokens: await listTokensForUser(db, id) };
  },
  { can: "managePeople" },
);

export const PATCH = withPerson<P>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Person");
    const patch = await readJson(req, personUpdateSchema);
    return updatePerson(await getDb(), personCaller(person, meta), id, patch);
  },
  { can: "managePeople" },
);
