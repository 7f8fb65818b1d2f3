import { notFound } from "@/lib/errors";
import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getAgentDetail } from "@/lib/db/queries/agents";
import { agentUpdateSchema } from "@/lib/domain/agents/schemas";
import { updateAgent } from "@/lib/services/agents/update";
import { personCaller } from "@/lib/services/context";

type P = { id: string };

export const GET = withPerson<P>(
  async ({ params }) => {
    const detail = await getAgentDetail(await getDb(), idParam(params.id, "Agent"));
    if (!detail) throw notFound("Agent");
    return detail;
  },
  { can: "readInventory" },
);

export const PATCH = withPerson<P>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Agent");
    const patch = await readJson(req, agentUpdateSchema);
    return (await updateAgent(await getDb(), personCaller(person, meta), id, patch))!;
  },
  { can: "writeInventory" },
);
