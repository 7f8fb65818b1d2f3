import { notFound } from "next/navigation";
import { ConnectorForm } from "@/components/connectors/connector-form";
import { PageHeader } from "@/components/page-header";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { getDb } from "@/lib/runtime";
import { getConnector } from "@/lib/db/queries/connectors";
import { listOwnerOptions } from "@/lib/db/queries/people-options";

type SP = Record<string, string | string[] | undefined>;

/** Edit a connector; with ?adopt=1 on an unmanaged one, saving also adopts it. */
export default async function EditConnectorPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SP> }) {
  const { id } = await params;
  await requirePagePerson("manageConnectors", `/connectors/${id}/edit`);
  if (!isUuid(id)) notFound();
  const db = await getDb();
  const [connector, owners] = await Promise.all([getConnector(db, id), listOwnerOptions(db)]);
  if (!connector) notFound();
  const adopt = !connector.managed && (await searchParams).adopt !== undefined;
  return (
    <>
      <PageHeader
        title={adopt ? `Adopt ${connector.name}` : `Edit ${connector.name}`}
        breadcrumbs={[
          { label: "Connectors", href: "/connectors" },
          { label: connector.name, href: `/connectors/${id}` },
        ]}
      />
      <ConnectorForm connectorId={id} owners={owners} initial={connector} adopt={adopt} />
    </>
  );
}
