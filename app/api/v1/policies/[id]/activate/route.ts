import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { activatePolicyVersion } from "@/lib/services/policies/activate";
import { policyActivateSchema } from "@/lib/domain/policies/schemas";

export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Policy");
    const { version, reason } = await readJson(req, policyActivateSchema);
    return activatePolicyVersion(await getDb(), personCaller(person, meta), id, version, reason);
  },
  { can: "managePolicies" },
);
