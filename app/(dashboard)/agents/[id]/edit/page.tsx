import { notFound } from "next/navigation";
import { AgentForm } from "@/components/agents/agent-form";
import { PageHeader } from "@/components/page-header";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { getDb } from "@/lib/runtime";
import { getAgentRow } from "@/lib/db/queries/agents";
import { listOwnerOptions } from "@/lib/db/queries/people-options";

export default async function EditAgentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePagePerson("writeInventory", `/agents/${id}/edit`);
  if (!isUuid(id)) notFound();
  const db = await getDb();
  const [agent, owners] = await Promise.all([getAgentRow(db, id), listOwnerOptions(db)]);
  if (!agent || agent.status === "retired") notFound();
  return (
    <>
      <PageHeader title={`Edit ${agent.name}`} breadcrumbs={[{ label: "Agents", href: "/agents" }, { label: agent.name, href: `/agents/${id}` }]} />
      <AgentForm agentId={id} owners={owners} initial={{ ...agent, identity: agent.identity, purpose: agent.purpose }} />
    </>
  );
}
