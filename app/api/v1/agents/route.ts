import { readJson, readQuery } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listAgents } from "@/lib/db/queries/agents";
import { createAgent } from "@/lib/services/agents/create";
import { agentCreateSchema, agentListSchema } from "@/lib/domain/agents/schemas";
import { personCaller } from "@/lib/services/context";

export const GET = withPerson(
  async ({ req }) => listAgents(await getDb(), readQuery(req, agentListSchema)),
  { can: "readInventory" },
);

export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, agentCreateSchema);
    return json(await createAgent(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "writeInventory" },
);
