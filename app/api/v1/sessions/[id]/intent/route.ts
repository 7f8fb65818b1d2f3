import type { NextRequest } from "next/server";
import { z } from "zod";
import { readJson } from "@/lib/api/body";
import { isAgentRequest, withAgent } from "@/lib/api/with-agent";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb, getRuntime } from "@/lib/runtime";
import { changeIntent, proposeIntentChange } from "@/lib/services/sessions/change-intent";
import { intentSchema } from "@/lib/services/sessions/schemas";

// PATCH /api/v1/sessions/{id}/intent — narrowing is accepted, widening is evaluated. The agent
// sends the new intent; a person sends { intent, reason } and cannot approve their own widening.
const byAgent = withAgent<{ id: string }>(async ({ req, agent, params, meta }) => {
  const id = idParam(params.id, "Session");
  const intent = await readJson(req, intentSchema);
  return changeIntent(await getRuntime(), agent, id, intent, meta);
});

const personBody = z.object({ intent: intentSchema, reason: z.string().trim().min(3, "give a reason (3+ characters)").max(1000) });

const byPerson = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Session");
    const { intent, reason } = await readJson(req, personBody);
    return proposeIntentChange(await getRuntime(), person, id, intent, reason, meta);
  },
  { can: "proposeIntentChanges" },
);

export function PATCH(req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) {
  return isAgentRequest(req) ? byAgent(req, ctx) : byPerson(req, ctx);
}
