import { notFound } from "@/lib/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getWebhook, listDeliveries } from "@/lib/db/queries/webhooks";

// The 20 most recent deliveries: status, attempts, last answer. Payloads stay on the server.
export const GET = withPerson<{ id: string }>(
  async ({ params }) => {
    const db = await getDb();
    const id = idParam(params.id, "Webhook");
    if (!(await getWebhook(db, id))) throw notFound("Webhook");
    return listDeliveries(db, id);
  },
  { can: "manageWebhooks" },
);
