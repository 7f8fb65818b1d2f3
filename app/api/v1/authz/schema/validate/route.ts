import { readJson } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { checkSchemaText } from "@/lib/services/authz-schema/validate";
import { SCHEMA_MAX_BODY, schemaValidateSchema } from "@/lib/domain/authz-schema/schemas";

/**
 * For the schema editor: problems in a schema text at line and column, and what activating it
 * would refuse or change for the policies in force. Writes nothing.
 */
export const POST = withPerson(
  async ({ req }) => {
    const { cedar } = await readJson(req, schemaValidateSchema, SCHEMA_MAX_BODY);
    return checkSchemaText(await getDb(), cedar);
  },
  { can: "readPolicies" },
);
