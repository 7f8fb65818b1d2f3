import { readJson } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { checkPolicyText } from "@/lib/services/policies/validate";
import { policyValidateSchema } from "@/lib/domain/policies/schemas";

/**
 * For the editor: syntax and schema problems of one policy text (in its namespace, `Warden` by
 * default), with 1-based line and column. Writes nothing.
 */
export const POST = withPerson(
  async ({ req }) => {
    const { cedar, namespace } = await readJson(req, policyValidateSchema);
    return checkPolicyText(await getDb(), namespace, cedar);
  },
  { can: "readPolicies" },
);
