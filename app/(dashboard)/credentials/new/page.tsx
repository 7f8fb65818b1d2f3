import { CredentialForm } from "@/components/credentials/credential-form";
import { PageHeader } from "@/components/page-header";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { getDb } from "@/lib/runtime";
import { connectorOptions } from "@/lib/db/queries/connectors";
import { agentPickerOptions } from "@/lib/db/queries/credentials";

export const metadata = { title: "Record standing secret · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function NewCredentialPage({ searchParams }: { searchParams: Promise<SP> }) {
  await requirePagePerson("writeInventory", "/credentials/new");
  const raw = (await searchParams).agentId;
  const agentId = typeof raw === "string" && isUuid(raw) ? raw.toLowerCase() : undefined;
  const db = await getDb();
  const [agents, connectors] = await Promise.all([agentPickerOptions(db, { include: agentId ? [agentId] : [] }), connectorOptions(db)]);
  return (
    <>
      <PageHeader
        title="Record a standing secret"
        description="For the inventory: a long-lived token or key an agent holds outside Warden. Warden never sees the secret itself."
        breadcrumbs={[{ label: "Credentials", href: "/credentials" }]}
      />
      <CredentialForm agents={agents.options} initialAgentId={agents.linked[0]?.id} connectors={connectors} />
    </>
  );
}
