import { readJson, readQuery } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { listTrustConfigs } from "@/lib/db/queries/trust";
import { personCaller } from "@/lib/services/context";
import { createTrustConfig } from "@/lib/services/trust/create";
import { trustCreateSchema, trustListSchema } from "@/lib/services/trust/schemas";

export const GET = withPerson(
  async ({ req }) => listTrustConfigs(await getDb(), readQuery(req, trustListSchema)),
  { can: "manageIdentity" },
);

export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, trustCreateSchema);
    return json(await createTrustConfig(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "manageIdentity" },
);
