import { ConnectorForm } from "@/components/connectors/connector-form";
import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { getDb } from "@/lib/runtime";
import { listOwnerOptions } from "@/lib/db/queries/people-options";

export const metadata = { title: "Register connector · Warden" };

export default async function NewConnectorPage() {
  await requirePagePerson("manageConnectors", "/connectors/new");
  const owners = await listOwnerOptions(await getDb());
  return (
    <>
      <PageHeader
        title="Register connector"
        description="Add its tools and operations on the next page."
        breadcrumbs={[{ label: "Connectors", href: "/connectors" }]}
      />
      <ConnectorForm owners={owners} />
    </>
  );
}
