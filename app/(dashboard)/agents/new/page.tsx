import { AgentForm } from "@/components/agents/agent-form";
import { PageHeader } from "@/components/page-header";
import { requirePagePerson } from "@/lib/api/current-person";
import { getDb } from "@/lib/runtime";
import { listOwnerOptions } from "@/lib/db/queries/people-options";

export const metadata = { title: "Register agent · Warden" };

export default async function NewAgentPage() {
  await requirePagePerson("writeInventory", "/agents/new");
  const owners = await listOwnerOptions(await getDb());
  return (
    <>
      <PageHeader title="Register agent" breadcrumbs={[{ label: "Agents", href: "/agents" }]} />
      <AgentForm owners={owners} />
    </>
  );
}
