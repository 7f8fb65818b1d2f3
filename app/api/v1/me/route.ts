import { notFound } from "@/lib/errors";
import { withPerson } from "@/lib/api/with-person";
import { CAN, can, type Capability } from "@/lib/policy/roles";
import { getDb } from "@/lib/runtime";
import { getUserById } from "@/lib/db/queries/users";

// Any signed-in person (every role has readInventory): who am I, and what may I do.
export const GET = withPerson(
  async ({ person }) => {
    const me = await getUserById(await getDb(), person.id);
    if (!me) throw notFound("Person");
    const capabilities = (Object.keys(CAN) as Capability[]).filter((c) => can(me.role, c));
    const { authEpoch: _internal, ...profile } = me;
    return { ...profile, via: person.via, tokenId: person.tokenId ?? null, capabilities };
  },
  { can: "readInventory" },
);
