import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { auditLogOf } from "@/lib/api/audit-log";
import { getRuntime } from "@/lib/runtime";
import { auditLogStatus } from "@/lib/services/audit-log/status";
import { auditListSchema, listAudit } from "@/lib/db/queries/audit";
import { listAgentOptions, listAuditPersonOptions } from "@/lib/db/queries/people-options";
import { AuditClient } from "./client";
import { SignedLogStatus } from "./signed-log";

export const metadata = { title: "Audit · Warden" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePagePerson("readAudit", "/audit");
  const sp = await searchParams;
  const parsed = auditListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : auditListSchema.parse({});
  const rt = await getRuntime();
  const db = rt.db;
  const [page, people, agents, signed] = await Promise.all([
    listAudit(db, query),
    listAuditPersonOptions(db),
    listAgentOptions(db),
    // The trail stays readable when the signed log's status cannot be read (the panel says so).
    auditLogOf(rt).then(auditLogStatus).catch((err) => (console.error("[warden] audit log status:", (err as Error).message), null)),
  ]);
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every decision and every human action, append-only and hash-chained: each event's hash covers the one before it, so an edited or removed event breaks the chain from that point on."
      />
      <SignedLogStatus initial={signed} />
      <AuditClient initial={{ key: searchKey(sp), data: asJson(page) }} people={people} agents={agents} />
    </>
  );
}
