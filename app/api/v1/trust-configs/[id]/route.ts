import { notFound } from "@/lib/errors";
import { readJson } from "@/lib/api/body";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getTrustConfig } from "@/lib/db/queries/trust";
import { personCaller } from "@/lib/services/context";
import { deleteTrustConfig } from "@/lib/services/trust/delete";
import { reasonSchema, trustUpdateSchema } from "@/lib/services/trust/schemas";
import { updateTrustConfig } from "@/lib/services/trust/update";

type P = { id: string };
const WHAT = "Trust config";

// The inline JWKS comes back as stored: public keys only (private and symmetric keys are refused on save).
export const GET = withPerson<P>(
  async ({ params }) => {
    const detail = await getTrustConfig(await getDb(), idParam(params.id, WHAT));
    if (!detail) throw notFound(WHAT);
    return detail;
  },
  { can: "manageIdentity" },
);

export const PATCH = withPerson<P>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, WHAT);
    const patch = await readJson(req, trustUpdateSchema);
    return (await updateTrustConfig(await getDb(), personCaller(person, meta), id, patch))!;
  },
  { can: "manageIdentity" },
);

export const DELETE = withPerson<P>(
  async ({ req, person, params, meta }) => {
    const id = idParam(params.id, WHAT);
    const { reason } = await readJson(req, reasonSchema);
    return deleteTrustConfig(await getDb(), personCaller(person, meta), id, reason);
  },
  { can: "manageIdentity" },
);
