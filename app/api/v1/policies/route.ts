import { readJson, readQuery } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listPolicies } from "@/lib/db/queries/policies";
import { personCaller } from "@/lib/services/context";
import { createPolicy } from "@/lib/services/policies/create";
import { policyCreateSchema, policyListSchema } from "@/lib/domain/policies/schemas";

export const GET = withPerson(
  async ({ req }) => listPolicies(await getDb(), readQuery(req, policyListSchema)),
  { can: "readPolicies" },
);

export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, policyCreateSchema);
    return json(await createPolicy(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "managePolicies" },
);
