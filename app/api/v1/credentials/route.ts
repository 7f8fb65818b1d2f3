import { readJson, readQuery } from "@/lib/api/body";
import { json, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/db/client";
import { listCredentials } from "@/lib/db/queries/credentials";
import { personCaller } from "@/lib/services/context";
import { recordStandingCredential } from "@/lib/services/credentials/record";
import { credentialListSchema, credentialRecordSchema } from "@/lib/services/credentials/schemas";

export const GET = withPerson(
  async ({ req }) => listCredentials(await getDb(), readQuery(req, credentialListSchema)),
  { can: "readInventory" },
);

// A person records a standing secret held elsewhere (no secret is sent or stored).
export const POST = withPerson(
  async ({ req, person, meta }) => {
    const input = await readJson(req, credentialRecordSchema);
    return json(await recordStandingCredential(await getDb(), personCaller(person, meta), input), 201, meta);
  },
  { can: "writeInventory" },
);
