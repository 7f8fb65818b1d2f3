import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { sendTestPing } from "@/lib/services/webhooks/manage";

// No body. Sends a signed `ping` now; a receiver that refuses it is a 200 with ok: false (the
// answer describes the receiver, not this request).
export const POST = withPerson<{ id: string }>(
  async ({ person, params, meta }) => sendTestPing(await getDb(), personCaller(person, meta), idParam(params.id, "Webhook")),
  { can: "manageWebhooks" },
);
