"use client";

import Link from "next/link";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { FilterBar } from "@/components/data-table/filter-bar";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { PolicyRow } from "@/lib/db/queries/policies";
import { EffectBadges, splitTitle } from "./code-view";

const ENABLED = [
  { value: "true", label: "Enabled" },
  { value: "false", label: "Disabled" },
];
const SOURCE = [
  { value: "true", label: "Built-in" },
  { value: "false", label: "Organisation" },
];

function Description({ text }: { text: string }) {
  const { title, rest } = splitTitle(text);
  if (!title) return <span className="text-muted-foreground">—</span>;
  return (
    <div className="truncate" title={text}>
      <span className="font-medium">{title}</span>
      {rest ? <span className="text-muted-foreground"> — {rest}</span> : null}
    </div>
  );
}

const COLUMNS: Columns<PolicyRow> = [
  {
    id: "name",
    header: "Name",
    meta: { sortKey: "name", defaultDir: "asc" },
    cell: ({ row: { original: p } }) => (
      <div className="flex flex-wrap items-center gap-1.5">
        <Link className="font-mono text-xs font-medium hover:underline" href={`/policies/${p.id}`}>
          {p.name}
        </Link>
        {p.builtIn ? <Badge variant="info">built-in</Badge> : null}
      </div>
    ),
  },
  { id: "description", header: "Description", meta: { className: "max-w-[22rem]" }, cell: ({ row }) => <Description text={row.original.description} /> },
  {
    id: "state",
    header: "State",
    cell: ({ row: { original: p } }) => <Badge variant={p.enabled ? "success" : "muted"}>{p.enabled ? "enabled" : "disabled"}</Badge>,
  },
  {
    id: "activeVersion",
    header: "Active version",
    meta: { className: "tabular-nums" },
    cell: ({ row: { original: p } }) => (
      <>
        {p.activeVersion ? `v${p.activeVersion}` : "—"}
        <span className="text-muted-foreground"> of {p.versionCount}</span>
      </>
    ),
  },
  { id: "effect", header: "Effect", cell: ({ row }) => <EffectBadges effects={row.original.effects} /> },
  { id: "updatedAt", header: "Updated", meta: { sortKey: "updatedAt", firstDir: "desc" }, cell: ({ row }) => <Time value={row.original.updatedAt} stacked /> },
];

export function PoliciesClient({ initial, canManage, namespace }: { initial: InitialPage<PolicyRow>; canManage: boolean; namespace: string }) {
  const q = useListQuery<PolicyRow>("policies", initial);
  return (
    <div className="space-y-3">
      <DataTable
        query={q}
        columns={COLUMNS}
        rowProps={(p) => ({ className: p.enabled ? undefined : "text-muted-foreground" })}
        errorMessage="The policy list could not be loaded."
        empty={{ title: "No policies match", description: `Change the filters or write a policy in ${namespace}.` }}
        toolbar={
          <FilterBar
            searchLabel="Search policies"
            searchPlaceholder="Name or description"
            filters={[
              { param: "enabled", label: "State", options: ENABLED },
              { param: "builtIn", label: "Source", options: SOURCE },
            ]}
            actions={
              canManage ? (
                <Button asChild size="sm">
                  <Link href={`/policies/new?namespace=${encodeURIComponent(namespace)}`}>New policy</Link>
                </Button>
              ) : null
            }
          />
        }
      />
    </div>
  );
}
