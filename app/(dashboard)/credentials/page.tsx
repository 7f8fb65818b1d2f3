import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { connectorOptions } from "@/lib/db/queries/connectors";
import { getAgentName, listCredentials } from "@/lib/db/queries/credentials";
import { credentialListSchema } from "@/lib/domain/credentials/schemas";
import { CredentialsClient } from "./client";

export const metadata = { title: "Credentials · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function CredentialsPage({ searchParams }: { searchParams: Promise<SP> }) {
  const person = await requirePagePerson("readInventory", "/credentials");
  const sp = await searchParams;
  const parsed = credentialListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : credentialListSchema.parse({});
  const db = await getDb();
  const [page, connectors, agent] = await Promise.all([
    listCredentials(db, query),
    connectorOptions(db),
    // The agent filter comes from links on agent pages; show whose credentials these are.
    query.agentId ? getAgentName(db, query.agentId) : Promise.resolve(null),
  ]);
  return (
    <>
      <PageHeader
        title="Credentials"
        description="Everything that grants an agent access: bootstrap keys, just-in-time credentials and standing secrets recorded for inventory. Secrets are never shown."
      />
      <CredentialsClient
        initial={{ key: searchKey(sp), data: asJson(page) }}
        connectors={connectors.map((c) => ({ value: c.id, label: c.name }))}
        agentFilter={agent}
        canRevoke={can(person.role, "revokeCredentials")}
        canRecord={can(person.role, "writeInventory")}
      />
    </>
  );
}
