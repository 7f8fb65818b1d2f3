import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { rotateWebhookSecret } from "@/lib/services/webhooks/manage";

// No body. The response is the only place the new secret's plaintext ever appears.
export const POST = withPerson<{ id: string }>(
  async ({ person, params, meta }) => rotateWebhookSecret(await getDb(), personCaller(person, meta), idParam(params.id, "Webhook")),
  { can: "manageWebhooks" },
);
