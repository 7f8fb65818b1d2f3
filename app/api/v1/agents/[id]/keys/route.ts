import { readJson } from "@/lib/api/body";
import { idParam, json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { issueAgentKey } from "@/lib/services/agents/keys";
import { issueKeySchema } from "@/lib/domain/agents/schemas";
import { personCaller } from "@/lib/services/context";

// The response is the only place the key's plaintext ever appears.
export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Agent");
    const opts = await readJson(req, issueKeySchema);
    return json(await issueAgentKey(await getDb(), personCaller(person, meta), id, opts), 201, meta);
  },
  { can: "issueAgentKeys" },
);
