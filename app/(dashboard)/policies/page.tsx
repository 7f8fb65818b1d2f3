import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listPolicies } from "@/lib/db/queries/policies";
import { policyListSchema } from "@/lib/domain/policies/schemas";
import { PoliciesClient } from "./client";
import { SchemaHelp } from "./schema-help";

export const metadata = { title: "Policies · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function PoliciesPage({ searchParams }: { searchParams: Promise<SP> }) {
  const person = await requirePagePerson("readPolicies", "/policies");
  const sp = await searchParams;
  const parsed = policyListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : policyListSchema.parse({});
  const page = await listPolicies(await getDb(), query);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Policies"
        description="Organisation guardrails in Cedar, evaluated on every tool call after the intent check. A forbid wins over a permit; nothing permitting means deny."
      />
      <PoliciesClient initial={{ key: searchKey(sp), data: asJson(page) }} canManage={can(person.role, "managePolicies")} />
      <SchemaHelp />
    </div>
  );
}
