import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { toolRemoveSchema, toolUpdateSchema } from "@/lib/domain/connectors/schemas";
import { removeTool, updateTool } from "@/lib/services/connectors/tools";
import { personCaller } from "@/lib/services/context";

type P = { id: string; toolId: string };

export const PATCH = withPerson<P>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Connector");
    const toolId = idParam(params.toolId, "Tool");
    const patch = await readJson(req, toolUpdateSchema);
    return updateTool(await getDb(), personCaller(person, meta), id, toolId, patch);
  },
  { can: "manageConnectors" },
);

// DELETE carries a JSON body { reason }: removing a tool is recorded with why.
export const DELETE = withPerson<P>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Connector");
    const toolId = idParam(params.toolId, "Tool");
    const { reason } = await readJson(req, toolRemoveSchema);
    return removeTool(await getDb(), personCaller(person, meta), id, toolId, reason);
  },
  { can: "manageConnectors" },
);
