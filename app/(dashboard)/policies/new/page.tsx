import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { getDb } from "@/lib/runtime";
import { listNamespaces } from "@/lib/db/queries/authz-schema";
import { DEFAULT_NAMESPACE } from "@/lib/domain/policies/schemas";
import { NewPolicyForm } from "./new-policy-form";

export const metadata = { title: "New policy · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function NewPolicyPage({ searchParams }: { searchParams: Promise<SP> }) {
  await requirePagePerson("managePolicies", "/policies/new");
  const sp = await searchParams;
  // Only namespaces a policy can be written in: Warden and those the active schema declares.
  const namespaces = (await listNamespaces(await getDb())).filter((n) => n.inSchema).map((n) => n.namespace);
  const asked = typeof sp.namespace === "string" ? sp.namespace : DEFAULT_NAMESPACE;
  const namespace = namespaces.includes(asked) ? asked : DEFAULT_NAMESPACE;
  return (
    <>
      <PageHeader
        title="New policy"
        description="Its first version is active as soon as it is created (unless you create it disabled), on every Warden instance within a second."
        breadcrumbs={[{ label: "Policies", href: `/policies?namespace=${encodeURIComponent(namespace)}` }]}
      />
      <NewPolicyForm namespaces={namespaces} initialNamespace={namespace} />
    </>
  );
}
