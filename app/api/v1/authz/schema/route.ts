import { readJson } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getSchemaOverview } from "@/lib/db/queries/authz-schema";
import { personCaller } from "@/lib/services/context";
import { addSchemaVersion } from "@/lib/services/authz-schema/add-version";
import { SCHEMA_MAX_BODY, schemaVersionCreateSchema } from "@/lib/domain/authz-schema/schemas";

/** The general Cedar schema: the version in force (text and namespaces), every namespace, the history. */
export const GET = withPerson(async () => getSchemaOverview(await getDb()), { can: "readPolicies" });

/**
 * A new schema version `{cedar, comment, activate?, reason}`; with `activate` it is put in force
 * at once, or nothing is saved. Schema changes can invalidate general policies, so only the
 * people who manage policies may make them.
 */
export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, schemaVersionCreateSchema, SCHEMA_MAX_BODY);
    return json(await addSchemaVersion(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "managePolicies" },
);
