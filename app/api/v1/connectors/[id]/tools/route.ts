import { readJson } from "@/lib/api/body";
import { idParam, json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { toolCreateSchema } from "@/lib/domain/connectors/schemas";
import { addTool } from "@/lib/services/connectors/tools";
import { personCaller } from "@/lib/services/context";

export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Connector");
    const input = await readJson(req, toolCreateSchema);
    return json(await addTool(await getDb(), personCaller(person, meta), id, input), 201, meta);
  },
  { can: "manageConnectors" },
);
