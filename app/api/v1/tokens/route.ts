import { readJson } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listTokensForUser } from "@/lib/db/queries/tokens";
import { personCaller } from "@/lib/services/context";
import { createToken } from "@/lib/services/tokens/create";
import { MAX_ACTIVE_TOKENS, tokenCreateSchema } from "@/lib/services/tokens/schemas";

// Always the caller's own tokens, for every role.
export const GET = withPerson(
  async ({ person }) => ({ items: await listTokensForUser(await getDb(), person.id), maxActive: MAX_ACTIVE_TOKENS }),
  { can: "readInventory" },
);

// The response is the only place the token's plaintext ever appears.
export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, tokenCreateSchema);
    return json(await createToken(await getDb(), personCaller(person, meta), person.id, input), 201, meta);
  },
  { can: "readInventory" },
);
