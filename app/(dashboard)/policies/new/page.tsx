import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { NewPolicyForm } from "./new-policy-form";

export const metadata = { title: "New policy · Warden" };

export default async function NewPolicyPage() {
  await requirePagePerson("managePolicies", "/policies/new");
  return (
    <>
      <PageHeader
        title="New policy"
        description="Its first version is active as soon as it is created (unless you create it disabled), on every Warden instance within a second."
        breadcrumbs={[{ label: "Policies", href: "/policies" }]}
      />
      <NewPolicyForm />
    </>
  );
}
