"use client";

import Link from "next/link";
import { connectorKindLabel, ManagedBadge, SensitivityBadge } from "@/components/connectors/badges";
import { EmptyState } from "@/components/data-table/empty-state";
import { ErrorState } from "@/components/data-table/error-state";
import { FilterBar } from "@/components/data-table/filter-bar";
import { Pagination } from "@/components/data-table/pagination";
import { SortableHead } from "@/components/data-table/sortable-head";
import { TableSkeleton } from "@/components/data-table/table-skeleton";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { ConnectorRow } from "@/lib/db/queries/connectors";
import { CONNECTOR_KINDS, SENSITIVITY_LEVELS } from "@/lib/services/connectors/constants";

const KINDS = CONNECTOR_KINDS.map((v) => ({ value: v, label: connectorKindLabel(v) }));
const SENSITIVITY = SENSITIVITY_LEVELS.map((v) => ({ value: v, label: v[0].toUpperCase() + v.slice(1) }));
const MANAGED = [
  { value: "true", label: "Managed" },
  { value: "false", label: "Unmanaged" },
];

export function ConnectorsClient({
  initial,
  environments,
  canManage,
}: {
  initial: InitialPage<ConnectorRow>;
  environments: string[];
  canManage: boolean;
}) {
  const q = useListQuery<ConnectorRow>("connectors", initial);
  return (
    <div className="space-y-3">
      <FilterBar
        searchLabel="Search connectors"
        searchPlaceholder="Name or display name"
        filters={[
          { param: "managed", label: "Registration", options: MANAGED },
          { param: "kind", label: "Kind", options: KINDS },
          { param: "sensitivity", label: "Sensitivity", options: SENSITIVITY },
          { param: "environment", label: "Environment", options: environments.map((e) => ({ value: e, label: e })) },
        ]}
        actions={
          canManage ? (
            <Button asChild size="sm">
              <Link href="/connectors/new">Register connector</Link>
            </Button>
          ) : null
        }
      />
      {q.isError ? (
        <ErrorState message="The connector list could not be loaded." onRetry={() => q.refetch()} />
      ) : !q.data ? (
        <TableSkeleton columns={8} />
      ) : q.data.items.length === 0 ? (
        <EmptyState title="No connectors match" description="Change the filters or register a connector." />
      ) : (
        <>
          <div className="rounded-md border" aria-busy={q.isFetching}>
            <Table>
              <TableHeader>
                <TableRow>
                  <SortableHead column="name" isDefault defaultDir="asc">Name</SortableHead>
                  <TableHead>Display name</TableHead>
                  <SortableHead column="kind">Kind</SortableHead>
                  <SortableHead column="sensitivity" firstDir="desc">Sensitivity</SortableHead>
                  <TableHead>Registration</TableHead>
                  <TableHead>Environment</TableHead>
                  <TableHead className="text-right">Tools</TableHead>
                  <SortableHead column="lastSeenAt" firstDir="desc">Last seen</SortableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {q.data.items.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell className="font-mono text-xs font-medium">
                      <Link className="hover:underline" href={`/connectors/${c.id}`}>
                        {c.name}
                      </Link>
                    </TableCell>
                    <TableCell className="max-w-[18rem] truncate" title={c.displayName}>
                      {c.displayName}
                    </TableCell>
                    <TableCell>{connectorKindLabel(c.kind)}</TableCell>
                    <TableCell>
                      <SensitivityBadge level={c.sensitivity} />
                    </TableCell>
                    <TableCell>
                      <ManagedBadge managed={c.managed} />
                    </TableCell>
                    <TableCell>{c.environment}</TableCell>
                    <TableCell className="text-right tabular-nums">{c.toolCount}</TableCell>
                    <TableCell>
                      <Time value={c.lastSeenAt} />
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
