import { readJson } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listWebhooks } from "@/lib/db/queries/webhooks";
import { personCaller } from "@/lib/services/context";
import { createWebhook } from "@/lib/services/webhooks/manage";
import { webhookCreateSchema } from "@/lib/domain/webhooks/schemas";

// Secrets never appear in the list: only their last four characters (secretHint).
export const GET = withPerson(async () => listWebhooks(await getDb()), { can: "manageWebhooks" });

// The response is the only place the signing secret's plaintext ever appears.
export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, webhookCreateSchema);
    return json(await createWebhook(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "manageWebhooks" },
);
