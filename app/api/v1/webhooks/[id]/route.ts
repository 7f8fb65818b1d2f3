import { notFound } from "@/lib/errors";
import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getWebhook } from "@/lib/db/queries/webhooks";
import { personCaller } from "@/lib/services/context";
import { updateWebhook } from "@/lib/services/webhooks/manage";
import { webhookUpdateSchema } from "@/lib/domain/webhooks/schemas";

type P = { id: string };
const WHAT = "Webhook";

export const GET = withPerson<P>(
  async ({ params }) => {
    const w = await getWebhook(await getDb(), idParam(params.id, WHAT));
    if (!w) throw notFound(WHAT);
    return w;
  },
  { can: "manageWebhooks" },
);

// { enabled: false } needs a reason (there is no hard delete: disabling is how one ends).
export const PATCH = withPerson<P>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, WHAT);
    const patch = await readJson(req, webhookUpdateSchema);
    return (await updateWebhook(await getDb(), personCaller(person, meta), id, patch))!;
  },
  { can: "manageWebhooks" },
);
