import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { escalationListSchema, listEscalations } from "@/lib/db/queries/escalations";
import { listAgentOptions } from "@/lib/db/queries/people-options";
import { EscalationsClient } from "./client";

export const metadata = { title: "Escalations · Warden" };

export default async function EscalationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePerson("readInventory", "/escalations");
  const sp = await searchParams;
  const parsed = escalationListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : escalationListSchema.parse({});
  const db = await getDb();
  const [page, agents] = await Promise.all([listEscalations(db, query), listAgentOptions(db)]);
  return (
    <>
      <PageHeader
        title="Escalations"
        description="Calls and intents that wait for a person, the longest-waiting first. Unanswered ones expire and count as denied. The queue refreshes itself."
      />
      <EscalationsClient initial={{ key: searchKey(sp), data: asJson(page) }} agents={agents} />
    </>
  );
}
