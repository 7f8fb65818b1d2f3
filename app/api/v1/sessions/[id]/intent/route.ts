import { readJson } from "@/lib/api/body";
import { withAgent } from "@/lib/api/with-agent";
import { idParam } from "@/lib/api/with-person";
import { getDb } from "@/lib/db/client";
import { changeIntent } from "@/lib/services/sessions/change-intent";
import { intentSchema } from "@/lib/services/sessions/schemas";

// PATCH /api/v1/sessions/{id}/intent — narrowing is accepted, widening is evaluated.
export const PATCH = withAgent<{ id: string }>(async ({ req, agent, params, meta }) => {
  const id = idParam(params.id, "Session");
  const intent = await readJson(req, intentSchema);
  return changeIntent(await getDb(), agent, id, intent, meta);
});
