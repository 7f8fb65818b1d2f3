import { readJson } from "@/lib/api/body";
import { withPerson } from "@/lib/api/with-person";
import { DomainError } from "@/lib/errors";
import { getDb } from "@/lib/runtime";
import { personCaller } from "@/lib/services/context";
import { activateSchemaVersion } from "@/lib/services/authz-schema/activate";
import { schemaActivateSchema } from "@/lib/domain/authz-schema/schemas";

/** Puts a saved schema version back in force (a rollback), with a reason for the audit trail. */
export const POST = withPerson<{ version: string }>(
  async ({ req, person, params, meta }) => {
    // Anything but a version number is simply not found, as ids are.
    const version = /^[1-9][0-9]{0,8}$/.test(params.version) ? Number(params.version) : null;
    if (version === null) throw new DomainError("not_found", "Schema version not found");
    const { reason } = await readJson(req, schemaActivateSchema);
    return activateSchemaVersion(await getDb(), personCaller(person, meta), version, reason);
  },
  { can: "managePolicies" },
);
