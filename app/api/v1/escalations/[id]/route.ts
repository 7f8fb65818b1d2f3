import { withAgent } from "@/lib/api/with-agent";
import { idParam } from "@/lib/api/with-person";
import { getDb } from "@/lib/db/client";
import { getEscalationForAgent } from "@/lib/services/escalations/get-for-agent";

// GET /api/v1/escalations/{id}?wait=20 — the agent's side of an escalation (long-poll allowed).
export const GET = withAgent<{ id: string }>(async ({ req, agent, params }) => {
  const id = idParam(params.id, "Escalation");
  const wait = Number(new URL(req.url).searchParams.get("wait") ?? "0");
  return getEscalationForAgent(await getDb(), agent.id, id, Number.isFinite(wait) ? wait * 1000 : 0, req.signal);
});
