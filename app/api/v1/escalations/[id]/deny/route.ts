import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getRuntime } from "@/lib/runtime";
import { decideEscalation } from "@/lib/services/escalations/decide";
import { denySchema } from "@/lib/services/escalations/schemas";

// POST /api/v1/escalations/{id}/deny { reason } — one deny settles the escalation.
export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Escalation");
    const { reason } = await readJson(req, denySchema);
    return decideEscalation(await getRuntime(), person, id, { vote: "deny", reason }, meta);
  },
  { can: "decideEscalations" },
);
