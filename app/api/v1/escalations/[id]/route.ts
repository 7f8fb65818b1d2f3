import type { NextRequest } from "next/server";
import { isAgentRequest, withAgent } from "@/lib/api/with-agent";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getEscalationForAgent } from "@/lib/services/escalations/get-for-agent";
import { getEscalationForPerson } from "@/lib/services/escalations/view";

// GET /api/v1/escalations/{id}: one path, two callers (design.md). An agent waits on its own
// escalation (?wait=20 long-polls); a person reads everything needed to decide it.
const forAgent = withAgent<{ id: string }>(async ({ req, agent, params }) => {
  const id = idParam(params.id, "Escalation");
  const wait = Number(new URL(req.url).searchParams.get("wait") ?? "0");
  return getEscalationForAgent(await getDb(), agent.id, id, Number.isFinite(wait) ? wait * 1000 : 0, req.signal);
});

const forPerson = withPerson<{ id: string }>(
  async ({ person, params }) => getEscalationForPerson(await getDb(), person, idParam(params.id, "Escalation")),
  { can: "readInventory" },
);

export function GET(req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) {
  return isAgentRequest(req) ? forAgent(req, ctx) : forPerson(req, ctx);
}
