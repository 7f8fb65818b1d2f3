"use client";

import * as React from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { FilterBar } from "@/components/data-table/filter-bar";
import { Time } from "@/components/time";
import { TrustFormDialog, type TrustFormOptions } from "@/components/trust/trust-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/client/api";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { TrustRow } from "@/lib/db/queries/trust";

const KIND_OPTIONS = [
  { value: "spiffe", label: "SPIFFE" },
  { value: "oidc", label: "OIDC" },
];
const STATUS_OPTIONS = [
  { value: "enabled", label: "Enabled" },
  { value: "disabled", label: "Disabled" },
];

export function IdentityTrustClient({ initial, options }: { initial: InitialPage<TrustRow>; options: TrustFormOptions }) {
  const q = useListQuery<TrustRow>("trust-configs", initial);
  const qc = useQueryClient();
  const refresh = React.useCallback(() => qc.invalidateQueries({ queryKey: ["trust-configs"] }), [qc]);

  const columns = React.useMemo<Columns<TrustRow>>(
    () => [
      { id: "name", header: "Name", meta: { sortKey: "name", defaultDir: "asc", className: "font-medium" }, cell: ({ row }) => row.original.name },
      {
        id: "kind",
        header: "Kind",
        meta: { sortKey: "kind" },
        cell: ({ row: { original: t } }) => <Badge variant={t.kind === "spiffe" ? "info" : "secondary"}>{t.kind === "spiffe" ? "SPIFFE" : "OIDC"}</Badge>,
      },
      {
        id: "source",
        header: "Issuer / trust domain",
        meta: { className: "max-w-[18rem] truncate font-mono text-xs", cellProps: (t) => ({ title: t.issuer ?? t.trustDomain ?? undefined }) },
        cell: ({ row: { original: t } }) => (t.kind === "spiffe" ? `spiffe://${t.trustDomain}` : t.issuer),
      },
      {
        id: "keys",
        header: "Keys",
        meta: { className: "max-w-[14rem] truncate text-xs", cellProps: (t) => ({ title: t.jwksUrl ?? undefined }) },
        cell: ({ row: { original: t } }) =>
          t.inlineKeyCount !== null ? `inline (${t.inlineKeyCount} ${t.inlineKeyCount === 1 ? "key" : "keys"})` : <span className="font-mono">{t.jwksUrl}</span>,
      },
      { id: "audience", header: "Audience", meta: { className: "font-mono text-xs" }, cell: ({ row }) => row.original.audience },
      { id: "algorithms", header: "Algorithms", meta: { className: "max-w-[12rem] font-mono text-xs" }, cell: ({ row }) => row.original.algorithms.join(", ") },
      {
        id: "status",
        header: "Status",
        cell: ({ row }) => (row.original.enabled ? <Badge variant="success">Enabled</Badge> : <Badge variant="muted">Disabled</Badge>),
      },
      { id: "updatedAt", header: "Updated", meta: { sortKey: "updatedAt", firstDir: "desc" }, cell: ({ row }) => <Time value={row.original.updatedAt} /> },
      {
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => <RowActions trust={row.original} options={options} onChanged={refresh} />,
      },
    ],
    [options, refresh],
  );

  return (
    <div className="space-y-3">
      <DataTable
        query={q}
        columns={columns}
        label="Trust configs"
        errorMessage="The trust configs could not be loaded."
        empty={{
          title: "No trust configs",
          description: "Agents can still use bootstrap keys. Add a SPIFFE trust domain or an OIDC issuer to accept workload tokens.",
        }}
        toolbar={
          <FilterBar
            searchLabel="Search trust configs"
            searchPlaceholder="Name, issuer or trust domain"
            filters={[
              { param: "kind", label: "Kind", options: KIND_OPTIONS },
              { param: "status", label: "Status", options: STATUS_OPTIONS },
            ]}
            actions={
              <TrustFormDialog
                options={options}
                onSaved={refresh}
                trigger={
                  <Button size="sm">
                    <Plus aria-hidden="true" />
                    Add trust config
                  </Button>
                }
              />
            }
          />
        }
      />
    </div>
  );
}

function RowActions({ trust, options, onChanged }: { trust: TrustRow; options: TrustFormOptions; onChanged: () => void }) {
  const post = (verb: "enable" | "disable") => async (reason: string) => {
    await api(`/api/v1/trust-configs/${trust.id}/${verb}`, { body: { reason } });
    onChanged();
  };
  const source = trust.kind === "spiffe" ? `spiffe://${trust.trustDomain}` : trust.issuer;
  return (
    <div className="flex flex-wrap items-center justify-end gap-1">
      <TrustFormDialog
        id={trust.id}
        name={trust.name}
        options={options}
        onSaved={onChanged}
        trigger={<Button size="sm" variant="ghost" aria-label={`Edit ${trust.name}`}>Edit</Button>}
      />
      {trust.enabled ? (
        <ConfirmDialog
          title={`Disable ${trust.name}?`}
          description={`Tokens from ${source} are refused from the next request, on every Warden instance. Agents using them lose access until it is enabled again.`}
          confirmLabel="Disable"
          trigger={<Button size="sm" variant="ghost">Disable</Button>}
          onConfirm={post("disable")}
        />
      ) : (
        <ConfirmDialog
          title={`Enable ${trust.name}?`}
          description={`Warden accepts tokens from ${source} again, signed by the keys this config holds.`}
          confirmLabel="Enable"
          variant="default"
          trigger={<Button size="sm" variant="outline">Enable</Button>}
          onConfirm={post("enable")}
        />
      )}
      <ConfirmDialog
        title={`Delete ${trust.name}?`}
        description="The config and its keys are removed for good; its tokens are refused from the next request. The audit trail keeps a record of what it was."
        confirmLabel="Delete"
        trigger={<Button size="sm" variant="ghost" className="text-destructive">Delete</Button>}
        onConfirm={async (reason) => {
          await api(`/api/v1/trust-configs/${trust.id}`, { method: "DELETE", body: { reason } });
          onChanged();
        }}
      />
    </div>
  );
}
