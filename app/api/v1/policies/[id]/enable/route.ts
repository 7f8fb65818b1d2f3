import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { policyReasonSchema } from "@/lib/domain/policies/schemas";
import { setPolicyEnabled } from "@/lib/services/policies/set-enabled";

export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Policy");
    const { reason } = await readJson(req, policyReasonSchema);
    return setPolicyEnabled(await getDb(), personCaller(person, meta), id, true, reason);
  },
  { can: "managePolicies" },
);
