"use client";

import Link from "next/link";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { ListView } from "@/components/data-table/list-view";
import { SortableHead } from "@/components/data-table/sortable-head";
import { RiskBadge, StatusBadge } from "@/components/agents/badges";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { AgentRow } from "@/lib/db/queries/agents";
import { capitalize } from "@/lib/utils";

const STATUS = optionsOf(["active", "quarantined", "retired"], capitalize);
const TIERS = optionsOf(["low", "medium", "high"], capitalize);

export function AgentsClient({ initial, teams, canWrite }: { initial: InitialPage<AgentRow>; teams: string[]; canWrite: boolean }) {
  const q = useListQuery<AgentRow>("agents", initial);
  return (
    <div className="space-y-3">
      <FilterBar
        searchLabel="Search agents"
        searchPlaceholder="Name, identity or team"
        filters={[
          { param: "status", label: "Status", options: STATUS },
          { param: "riskTier", label: "Risk tier", options: TIERS },
          { param: "team", label: "Team", options: optionsOf(teams) },
        ]}
        actions={
          canWrite ? (
            <Button asChild size="sm">
              <Link href="/agents/new">Register agent</Link>
            </Button>
          ) : null
        }
      />
      <ListView
        query={q}
        columns={7}
        errorMessage="The agent list could not be loaded."
        emptyTitle="No agents match"
        emptyDescription="Change the filters or register an agent."
      >
        {(data) => (
          <Table>
            <TableHeader>
              <TableRow>
                <SortableHead column="name" isDefault defaultDir="asc">Name</SortableHead>
                <TableHead>Identity</TableHead>
                <SortableHead column="team">Team</SortableHead>
                <TableHead>Owner</TableHead>
                <SortableHead column="riskTier">Risk</SortableHead>
                <SortableHead column="status">Status</SortableHead>
                <SortableHead column="lastSeenAt" firstDir="desc">Last seen</SortableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.items.map((a) => (
                <TableRow key={a.id}>
                  <TableCell className="font-medium">
                    <Link className="hover:underline" href={`/agents/${a.id}`}>
                      {a.name}
                    </Link>
                  </TableCell>
                  <TableCell className="max-w-[22rem] truncate font-mono text-xs" title={a.identity}>
                    {a.identity}
                  </TableCell>
                  <TableCell>{a.team}</TableCell>
                  <TableCell>{a.ownerName ?? <span className="text-muted-foreground">—</span>}</TableCell>
                  <TableCell>
                    <RiskBadge tier={a.riskTier} />
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={a.status} />
                  </TableCell>
                  <TableCell>
                    <Time value={a.lastSeenAt} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </ListView>
    </div>
  );
}
