import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { asJson } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { getPolicyDetail } from "@/lib/db/queries/policies";
import { CodeBlock, EffectBadges, splitTitle } from "../code-view";
import { PolicyEnableActions } from "./policy-actions";
import { VersionEditor } from "./version-editor";
import { VersionHistory } from "./versions";

export const metadata = { title: "Policy · Warden" };

export default async function PolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const person = await requirePagePerson("readPolicies", `/policies/${id}`);
  if (!isUuid(id)) notFound();
  const detail = await getPolicyDetail(await getDb(), id);
  if (!detail) notFound();
  const { policy, active, effects, versions } = detail;
  const canManage = can(person.role, "managePolicies");
  const { title, rest } = splitTitle(policy.description);
  const latest = versions[0];

  return (
    <div className="space-y-4">
      <PageHeader
        title={<span className="font-mono">{policy.name}</span>}
        description={policy.description ? (rest ? <><strong className="font-medium text-foreground">{title}.</strong> {rest}</> : title) : undefined}
        breadcrumbs={[{ label: "Policies", href: `/policies?namespace=${encodeURIComponent(policy.namespace)}` }]}
        actions={canManage ? <PolicyEnableActions policyId={policy.id} name={policy.name} enabled={policy.enabled} /> : null}
      />
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge variant={policy.enabled ? "success" : "muted"}>{policy.enabled ? "enabled" : "disabled"}</Badge>
        <Badge variant="outline">
          <span className="sr-only">namespace </span>
          <span className="font-mono">{policy.namespace}</span>
        </Badge>
        {policy.builtIn ? <Badge variant="info">built-in</Badge> : <Badge variant="outline">organisation</Badge>}
        <EffectBadges effects={effects} />
        <span className="text-muted-foreground">
          updated <Time value={policy.updatedAt} />
        </span>
      </div>
      {!policy.enabled ? (
        <div role="status" className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
          This policy is disabled: it takes no part in decisions.
          {policy.name === "baseline-permit"
            ? " With the baseline permit off, only what another permit policy allows is permitted; every other tool call is denied."
            : null}
        </div>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle>{active ? `Active version: v${active.version}` : "No active version"}</CardTitle>
          {active ? (
            <CardDescription>
              {active.comment ? <>&ldquo;{active.comment}&rdquo; · </> : null}
              {active.createdByName ?? "system"} · <Time value={active.createdAt} />
              {active.onForbid === "escalate" ? " · forbids escalate to a person unless marked @escalate(\"false\")" : null}
            </CardDescription>
          ) : null}
        </CardHeader>
        <CardContent>{active ? <CodeBlock text={active.cedar} label={`Cedar text of ${policy.name} v${active.version}`} /> : null}</CardContent>
      </Card>

      <VersionHistory
        policyId={policy.id}
        name={policy.name}
        activeVersion={policy.activeVersion}
        versions={asJson(versions)}
        canManage={canManage}
      />

      {canManage && latest ? (
        <VersionEditor
          policyId={policy.id}
          namespace={policy.namespace}
          versions={asJson(versions).map((v) => ({ version: v.version, cedar: v.cedar, onForbid: v.onForbid }))}
          activeVersion={policy.activeVersion}
        />
      ) : null}
    </div>
  );
}
