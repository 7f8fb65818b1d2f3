import { readJson, readQuery } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listUsers } from "@/lib/db/queries/users";
import { createPerson } from "@/lib/services/people/create";
import { personCreateSchema, personListSchema } from "@/lib/domain/people/schemas";
import { personCaller } from "@/lib/services/context";

export const GET = withPerson(
  async ({ req }) => listUsers(await getDb(), readQuery(req, personListSchema)),
  { can: "managePeople" },
);

// The response is the only place a generated one-time password ever appears.
export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, personCreateSchema);
    return json(await createPerson(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "managePeople" },
);
