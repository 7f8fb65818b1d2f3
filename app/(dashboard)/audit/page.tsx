import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { auditListSchema, listAudit } from "@/lib/db/queries/audit";
import { listAgentOptions, listAuditPersonOptions } from "@/lib/db/queries/people-options";
import { AuditClient } from "./client";

export const metadata = { title: "Audit · Warden" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePerson("readAudit", "/audit");
  const sp = await searchParams;
  const parsed = auditListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : auditListSchema.parse({});
  const db = await getDb();
  const [page, people, agents] = await Promise.all([listAudit(db, query), listAuditPersonOptions(db), listAgentOptions(db)]);
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every decision and every human action, append-only and hash-chained: each event's hash covers the one before it, so an edited or removed event breaks the chain from that point on."
      />
      <AuditClient initial={{ key: searchKey(sp), data: asJson(page) }} people={people} agents={agents} />
    </>
  );
}
