import { notFound } from "@/lib/errors";
import { idParam, withPerson } from "@/lib/api/with-person";
import { getDb } from "@/lib/runtime";
import { getPolicyDetail } from "@/lib/db/queries/policies";

export const GET = withPerson<{ id: string }>(
  async ({ params }) => {
    const detail = await getPolicyDetail(await getDb(), idParam(params.id, "Policy"));
    if (!detail) throw notFound("Policy");
    return detail;
  },
  { can: "readPolicies" },
);
