"use client";

import Link from "next/link";
import { connectorKindLabel, ManagedBadge, SensitivityBadge } from "@/components/connectors/badges";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
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

const COLUMNS: Columns<ConnectorRow> = [
  {
    id: "name",
    header: "Name",
    meta: { sortKey: "name", defaultDir: "asc", className: "font-mono text-xs font-medium" },
    cell: ({ row: { original: c } }) => (
      <Link className="hover:underline" href={`/connectors/${c.id}`}>
        {c.name}
      </Link>
    ),
  },
  {
    id: "displayName",
    header: "Display name",
    meta: { className: "max-w-[18rem] truncate", cellProps: (c) => ({ title: c.displayName }) },
    cell: ({ row }) => row.original.displayName,
  },
  { id: "kind", header: "Kind", meta: { sortKey: "kind" }, cell: ({ row }) => connectorKindLabel(row.original.kind) },
  { id: "sensitivity", header: "Sensitivity", meta: { sortKey: "sensitivity", firstDir: "desc" }, cell: ({ row }) => <SensitivityBadge level={row.original.sensitivity} /> },
  { id: "managed", header: "Registration", cell: ({ row }) => <ManagedBadge managed={row.original.managed} /> },
  { id: "environment", header: "Environment", cell: ({ row }) => row.original.environment },
  { id: "tools", header: "Tools", meta: { align: "right", className: "tabular-nums" }, cell: ({ row }) => row.original.toolCount },
  { id: "lastSeenAt", header: "Last seen", meta: { sortKey: "lastSeenAt", firstDir: "desc" }, cell: ({ row }) => <Time value={row.original.lastSeenAt} /> },
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
      <DataTable
        query={q}
        columns={COLUMNS}
        errorMessage="The connector list could not be loaded."
        empty={{ title: "No connectors match", description: "Change the filters or register a connector." }}
        toolbar={
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
        }
      />
    </div>
  );
}
