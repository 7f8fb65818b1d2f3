"use client";

import Link from "next/link";
import { connectorKindLabel, ManagedBadge, SensitivityBadge } from "@/components/connectors/badges";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { ListView } from "@/components/data-table/list-view";
import { SortableHead } from "@/components/data-table/sortable-head";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { ConnectorRow } from "@/lib/db/queries/connectors";
import { CONNECTOR_KINDS, SENSITIVITY_LEVELS } from "@/lib/domain/connectors/constants";
import { capitalize } from "@/lib/utils";

const KINDS = optionsOf(CONNECTOR_KINDS, connectorKindLabel);
const SENSITIVITY = optionsOf(SENSITIVITY_LEVELS, capitalize);
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
          { param: "environment", label: "Environment", options: optionsOf(environments) },
        ]}
        actions={
          canManage ? (
            <Button asChild size="sm">
              <Link href="/connectors/new">Register connector</Link>
            </Button>
          ) : null
        }
      />
      <ListView
        query={q}
        columns={8}
        errorMessage="The connector list could not be loaded."
        emptyTitle="No connectors match"
        emptyDescription="Change the filters or register a connector."
      >
        {(data) => (
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
              {data.items.map((c) => (
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
        )}
      </ListView>
    </div>
  );
}
