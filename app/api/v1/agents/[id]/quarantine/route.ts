import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { reasonSchema } from "@/lib/domain/agents/schemas";
import { setAgentStatus } from "@/lib/services/agents/set-status";
import { personCaller } from "@/lib/services/context";

export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Agent");
    const { reason } = await readJson(req, reasonSchema);
    return setAgentStatus(await getDb(), personCaller(person, meta), id, "quarantined", reason);
  },
  { can: "writeInventory" },
);
