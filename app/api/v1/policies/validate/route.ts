import { readJson } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { validatePolicyText } from "@/lib/policy/cedar/engine";
import { WARDEN_SCHEMA } from "@/lib/policy/cedar/schema";
import { policyValidateSchema } from "@/lib/domain/policies/schemas";

/**
 * For the editor: syntax and schema problems of one policy text, with 1-based line and column.
 * Checks the text alone; saving also checks that the whole active set still compiles with it.
 * Writes nothing.
 */
export const POST = withPerson(
  async ({ req }) => {
    const { cedar } = await readJson(req, policyValidateSchema);
    if (!cedar.trim()) return { ok: false, errors: [{ message: "write at least one Cedar statement", line: 1, column: 1 }], warnings: [] };
    const checked = validatePolicyText(cedar, WARDEN_SCHEMA);
    return { ok: checked.ok, errors: checked.ok ? [] : checked.errors, warnings: checked.warnings };
  },
  { can: "readPolicies" },
);
