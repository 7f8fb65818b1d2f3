import { readJson } from "@/lib/api/body";
import { idParam, json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { addPolicyVersion } from "@/lib/services/policies/add-version";
import { policyVersionSchema } from "@/lib/domain/policies/schemas";

/** A new version; it is not in force until POST /api/v1/policies/{id}/activate. */
export const POST = withPerson<{ id: string }>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, "Policy");
    const input = await readJson(req, policyVersionSchema);
    return json(await addPolicyVersion(await getDb(), personCaller(person, meta), id, input), 201, meta);
  },
  { can: "managePolicies" },
);
