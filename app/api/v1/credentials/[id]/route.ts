import { notFound } from "@/lib/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getCredentialDetail } from "@/lib/db/queries/credentials";

export const GET = withPerson<{ id: string }>(
  async ({ params }) => {
    const detail = await getCredentialDetail(await getDb(), idParam(params.id, "Credential"));
    if (!detail) throw notFound("Credential");
    return detail;
  },
  { can: "readInventory" },
);
