import Link from "next/link";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listPolicies } from "@/lib/db/queries/policies";
import { listNamespaces } from "@/lib/db/queries/authz-schema";
import { DEFAULT_NAMESPACE, policyListSchema } from "@/lib/domain/policies/schemas";
import { PoliciesClient } from "./client";
import { NamespaceTabs } from "./namespace-tabs";
import { SchemaHelp } from "./schema-help";

export const metadata = { title: "Policies · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function PoliciesPage({ searchParams }: { searchParams: Promise<SP> }) {
  const person = await requirePagePerson("readPolicies", "/policies");
  const sp = await searchParams;
  // The list always names its namespace, so the page and the API it refetches from agree.
  if (typeof sp.namespace !== "string" || !sp.namespace) {
    const next = new URLSearchParams(searchKey(sp));
    next.set("namespace", DEFAULT_NAMESPACE);
    redirect(`/policies?${next.toString()}`);
  }
  const parsed = policyListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : policyListSchema.parse({ namespace: DEFAULT_NAMESPACE });
  const namespace = query.namespace ?? DEFAULT_NAMESPACE;
  const db = await getDb();
  const [page, namespaces] = await Promise.all([listPolicies(db, query), listNamespaces(db)]);
  const canManage = can(person.role, "managePolicies");
  const general = namespace !== DEFAULT_NAMESPACE;
  const known = namespaces.some((n) => n.namespace === namespace);
  return (
    <div className="space-y-4">
      <PageHeader
        title="Policies"
        description={
          general
            ? `Policies of the general namespace ${namespace}, validated against its part of the authorization schema. They decide requests of that namespace only, never an agent's tool call.`
            : "Organisation guardrails in Cedar, evaluated on every tool call after the intent check. A forbid wins over a permit; nothing permitting means deny."
        }
        actions={
          <Button asChild variant="outline" size="sm">
            <Link href="/policies/schema">Authorization schema</Link>
          </Button>
        }
      />
      <NamespaceTabs namespaces={known ? namespaces : [...namespaces, { namespace, builtIn: false, policies: 0, inSchema: false }]} current={namespace} />
      <PoliciesClient
        initial={{ key: searchKey(sp), data: asJson(page) }}
        canManage={canManage && (!general || namespaces.some((n) => n.namespace === namespace && n.inSchema))}
        namespace={namespace}
      />
      {general ? (
        <p className="text-sm text-muted-foreground">
          The entity types, actions and attributes these policies may use are declared in namespace <code className="font-mono">{namespace}</code> of
          the <Link className="underline" href="/policies/schema">authorization schema</Link>.
        </p>
      ) : (
        <SchemaHelp />
      )}
    </div>
  );
}
