import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listAgents, listTeams } from "@/lib/db/queries/agents";
import { agentListSchema } from "@/lib/domain/agents/schemas";
import { AgentsClient } from "./client";

export const metadata = { title: "Agents · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function AgentsPage({ searchParams }: { searchParams: Promise<SP> }) {
  const person = await requirePagePerson("readInventory", "/agents");
  const sp = await searchParams;
  const parsed = agentListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : agentListSchema.parse({});
  const db = await getDb();
  const [page, teams] = await Promise.all([listAgents(db, query), listTeams(db)]);
  return (
    <>
      <PageHeader
        title="Agents"
        description="Workload identities, their owners, risk tiers and baseline envelopes."
      />
      <AgentsClient initial={{ key: searchKey(sp), data: asJson(page) }} teams={teams} canWrite={can(person.role, "writeInventory")} />
    </>
  );
}
