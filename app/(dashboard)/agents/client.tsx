"use client";

import Link from "next/link";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { FilterBar } from "@/components/data-table/filter-bar";
import { Pagination } from "@/components/data-table/pagination";
import { SortableHead } from "@/components/data-table/sortable-head";
import { TableSkeleton } from "@/components/data-table/table-skeleton";
import { RiskBadge, StatusBadge } from "@/components/agents/badges";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { AgentRow } from "@/lib/db/queries/agents";

const STATUS = ["active", "quarantined", "retired"].map((v) => ({ value: v, label: v[0].toUpperCase() + v.slice(1) }));
const TIERS = ["low", "medium", "high"].map((v) => ({ value: v, label: v[0].toUpperCase() + v.slice(1) }));

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
          { param: "team", label: "Team", options: teams.map((t) => ({ value: t, label: t })) },
        ]}
        actions={
          canWrite ? (
            <Button asChild size="sm">
              <Link href="/agents/new">Register agent</Link>
            </Button>
          ) : null
        }
      />
      {q.isError ? (
        <ErrorState message="The agent list could not be loaded." onRetry={() => q.refetch()} />
      ) : !q.data ? (
        <TableSkeleton columns={7} />
      ) : q.data.items.length === 0 ? (
        <EmptyState title="No agents match" description="Change the filters or register an agent." />
      ) : (
        <>
          <div className="rounded-md border" aria-busy={q.isFetching}>
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
                {q.data.items.map((a) => (
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
          </div>
          <Pagination total={q.data.total} />
        </>
      )}
    </div>
  );
}
