import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getRuntime } from "@/lib/runtime";
import { decideEscalation } from "@/lib/services/escalations/decide";
import { approveSchema } from "@/lib/services/escalations/schemas";

// POST /api/v1/escalations/{id}/approve { reason, scope?, password? } — separation of duties is
// enforced in the service, not only by hiding the button.
export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Escalation");
    const body = await readJson(req, approveSchema);
    return decideEscalation(await getRuntime(), person, id, { vote: "approve", ...body }, meta);
  },
  { can: "decideEscalations" },
);
