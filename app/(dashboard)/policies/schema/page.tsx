import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { asJson } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { getSchemaOverview } from "@/lib/db/queries/authz-schema";
import { SchemaClient } from "./client";

export const metadata = { title: "Authorization schema · Warden" };

export default async function SchemaPage() {
  const person = await requirePagePerson("readPolicies", "/policies/schema");
  const overview = await getSchemaOverview(await getDb());
  return (
    <div className="space-y-4">
      <PageHeader
        title="Authorization schema"
        description="The Cedar schema of the general namespaces: their entity types, attributes and actions. General policies are validated against it; agent policies keep the built-in Warden schema. Versioned as a whole, one version in force."
        breadcrumbs={[{ label: "Policies", href: "/policies" }]}
      />
      <SchemaClient overview={asJson(overview)} canManage={can(person.role, "managePolicies")} />
    </div>
  );
}
