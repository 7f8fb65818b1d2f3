"use client";

import Link from "next/link";
import { RiskBadge, StatusBadge } from "@/components/agents/badges";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { AgentRow } from "@/lib/db/queries/agents";
import { capitalize } from "@/lib/utils";

const STATUS = optionsOf(["active", "quarantined", "retired"], capitalize);
const TIERS = optionsOf(["low", "medium", "high"], capitalize);
const none = <span className="text-muted-foreground">—</span>;

const COLUMNS: Columns<AgentRow> = [
  {
    id: "name",
    header: "Name",
    meta: { sortKey: "name", defaultDir: "asc", className: "font-medium" },
    cell: ({ row: { original: a } }) => (
      <Link className="hover:underline" href={`/agents/${a.id}`}>
        {a.name}
      </Link>
    ),
  },
  {
    id: "identity",
    header: "Identity",
    meta: { className: "max-w-[22rem] truncate font-mono text-xs", cellProps: (a) => ({ title: a.identity }) },
    cell: ({ row }) => row.original.identity,
  },
  { id: "team", header: "Team", meta: { sortKey: "team" }, cell: ({ row }) => row.original.team },
  { id: "owner", header: "Owner", cell: ({ row }) => row.original.ownerName ?? none },
  { id: "riskTier", header: "Risk", meta: { sortKey: "riskTier" }, cell: ({ row }) => <RiskBadge tier={row.original.riskTier} /> },
  { id: "status", header: "Status", meta: { sortKey: "status" }, cell: ({ row }) => <StatusBadge status={row.original.status} /> },
  { id: "lastSeenAt", header: "Last seen", meta: { sortKey: "lastSeenAt", firstDir: "desc" }, cell: ({ row }) => <Time value={row.original.lastSeenAt} /> },
];

export function AgentsClient({ initial, teams, canWrite }: { initial: InitialPage<AgentRow>; teams: string[]; canWrite: boolean }) {
  const q = useListQuery<AgentRow>("agents", initial);
  return (
    <div className="space-y-3">
      <DataTable
        query={q}
        columns={COLUMNS}
        errorMessage="The agent list could not be loaded."
        empty={{ title: "No agents match", description: "Change the filters or register an agent." }}
        toolbar={
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
        }
      />
    </div>
  );
}
