import { readJson, readQuery } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listConnectors } from "@/lib/db/queries/connectors";
import { createConnector } from "@/lib/services/connectors/create";
import { connectorCreateSchema, connectorListSchema } from "@/lib/domain/connectors/schemas";
import { personCaller } from "@/lib/services/context";

export const GET = withPerson(
  async ({ req }) => listConnectors(await getDb(), readQuery(req, connectorListSchema)),
  { can: "readInventory" },
);

export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, connectorCreateSchema);
    return json(await createConnector(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "manageConnectors" },
);
