"use client";

import Link from "next/link";
import { FilterBar } from "@/components/data-table/filter-bar";
import { ListView } from "@/components/data-table/list-view";
import { SortableHead } from "@/components/data-table/sortable-head";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
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

export function PoliciesClient({ initial, canManage }: { initial: InitialPage<PolicyRow>; canManage: boolean }) {
  const q = useListQuery<PolicyRow>("policies", initial);
  return (
    <div className="space-y-3">
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
              <Link href="/policies/new">New policy</Link>
            </Button>
          ) : null
        }
      />
      <ListView
        query={q}
        columns={["Name", "Description", "State", "Active version", "Effect", "Updated"]}
        errorMessage="The policy list could not be loaded."
        emptyTitle="No policies match"
        emptyDescription="Change the filters or write a policy."
      >
        {(data) => (
          <Table>
            <TableHeader>
              <TableRow>
                <SortableHead column="name" isDefault defaultDir="asc">Name</SortableHead>
                <TableHead>Description</TableHead>
                <TableHead>State</TableHead>
                <TableHead>Active version</TableHead>
                <TableHead>Effect</TableHead>
                <SortableHead column="updatedAt" firstDir="desc">Updated</SortableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.items.map((p) => {
                const { title, rest } = splitTitle(p.description);
                return (
                  <TableRow key={p.id} className={p.enabled ? undefined : "text-muted-foreground"}>
                    <TableCell>
                      <div className="flex flex-wrap items-center gap-1.5">
                        <Link className="font-mono text-xs font-medium hover:underline" href={`/policies/${p.id}`}>
                          {p.name}
                        </Link>
                        {p.builtIn ? <Badge variant="info">built-in</Badge> : null}
                      </div>
                    </TableCell>
                    <TableCell className="max-w-[22rem]">
                      {title ? (
                        <div className="truncate" title={p.description}>
                          <span className="font-medium">{title}</span>
                          {rest ? <span className="text-muted-foreground"> — {rest}</span> : null}
                        </div>
                      ) : (
                        <span className="text-muted-foreground">—</span>
                      )}
                    </TableCell>
                    <TableCell>
                      <Badge variant={p.enabled ? "success" : "muted"}>{p.enabled ? "enabled" : "disabled"}</Badge>
                    </TableCell>
                    <TableCell className="tabular-nums">
                      {p.activeVersion ? `v${p.activeVersion}` : "—"}
                      <span className="text-muted-foreground"> of {p.versionCount}</span>
                    </TableCell>
                    <TableCell>
                      <EffectBadges effects={p.effects} />
                    </TableCell>
                    <TableCell>
                      <Time value={p.updatedAt} stacked />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </ListView>
    </div>
  );
}
