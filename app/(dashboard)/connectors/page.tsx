import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listConnectors, listEnvironments } from "@/lib/db/queries/connectors";
import { connectorListSchema } from "@/lib/domain/connectors/schemas";
import { ConnectorsClient } from "./client";

export const metadata = { title: "Connectors · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function ConnectorsPage({ searchParams }: { searchParams: Promise<SP> }) {
  const person = await requirePagePerson("readInventory", "/connectors");
  const sp = await searchParams;
  const parsed = connectorListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : connectorListSchema.parse({});
  const db = await getDb();
  const [page, environments] = await Promise.all([listConnectors(db, query), listEnvironments(db)]);
  return (
    <>
      <PageHeader
        title="Connectors"
        description="The surfaces agents act on: MCP servers, SaaS APIs, databases. Unmanaged ones were first seen in a tool call and nobody registered them."
      />
      <ConnectorsClient
        initial={{ key: searchKey(sp), data: asJson(page) }}
        environments={environments}
        canManage={can(person.role, "manageConnectors")}
      />
    </>
  );
}
