import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { findingKinds, findingListSchema, listFindings } from "@/lib/db/queries/findings";
import { listOwnerOptions } from "@/lib/db/queries/people-options";
import { FindingsClient } from "./client";

export const metadata = { title: "Findings · Warden" };

export default async function FindingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const person = await requirePagePerson("readInventory", "/findings");
  const sp = await searchParams;
  const parsed = findingListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : findingListSchema.parse({});
  const db = await getDb();
  const [page, kinds, people] = await Promise.all([
    listFindings(db, query),
    findingKinds(db),
    listOwnerOptions(db),
  ]);
  return (
    <>
      <PageHeader title="Findings" description="What Warden's detectors saw: risky behaviour and standing privilege, with the framework items each relates to." />
      <FindingsClient initial={{ key: searchKey(sp), data: asJson(page) }} kinds={kinds} people={people} canManage={can(person.role, "manageFindings")} />
    </>
  );
}
