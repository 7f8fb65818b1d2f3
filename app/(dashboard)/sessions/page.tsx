import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listAgentOptions } from "@/lib/db/queries/people-options";
import { listSessions, sessionListSchema } from "@/lib/db/queries/sessions";
import { SessionsClient } from "./client";

export const metadata = { title: "Sessions · Warden" };

export default async function SessionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePerson("readInventory", "/sessions");
  const sp = await searchParams;
  const parsed = sessionListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : sessionListSchema.parse({});
  const db = await getDb();
  const [page, agents] = await Promise.all([listSessions(db, query), listAgentOptions(db)]);
  return (
    <>
      <PageHeader title="Sessions" description="Every task an agent runs, newest first. The list refreshes itself." />
      <SessionsClient initial={{ key: searchKey(sp), data: asJson(page) }} agents={agents} />
    </>
  );
}
