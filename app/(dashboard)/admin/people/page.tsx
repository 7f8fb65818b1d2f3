import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listUsers } from "@/lib/db/queries/users";
import { personListSchema } from "@/lib/domain/people/schemas";
import { PeopleClient } from "./client";

export const metadata = { title: "People · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function PeoplePage({ searchParams }: { searchParams: Promise<SP> }) {
  const me = await requirePagePerson("managePeople", "/admin/people");
  const sp = await searchParams;
  const parsed = personListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : personListSchema.parse({});
  const page = await listUsers(await getDb(), query);
  return (
    <>
      <PageHeader
        title="People"
        description="Who can sign in to Warden and what their role lets them do. Role changes, disables and password resets end that person's browser sessions at once."
      />
      <PeopleClient initial={{ key: searchKey(sp), data: asJson(page) }} selfId={me.id} />
    </>
  );
}
