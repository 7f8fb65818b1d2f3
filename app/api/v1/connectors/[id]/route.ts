import { notFound } from "@/lib/errors";
import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getConnectorDetail } from "@/lib/db/queries/connectors";
import { connectorUpdateSchema } from "@/lib/domain/connectors/schemas";
import { updateConnector } from "@/lib/services/connectors/update";
import { personCaller } from "@/lib/services/context";

type P = { id: string };

export const GET = withPerson<P>(
  async ({ params }) => {
    const detail = await getConnectorDetail(await getDb(), idParam(params.id, "Connector"));
    if (!detail) throw notFound("Connector");
    return detail;
  },
  { can: "readInventory" },
);

// Also adopts a shadow connector: { "managed": true, "ownerId": ... }.
export const PATCH = withPerson<P>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Connector");
    const patch = await readJson(req, connectorUpdateSchema);
    return updateConnector(await getDb(), personCaller(person, meta), id, patch);
  },
  { can: "manageConnectors" },
);
