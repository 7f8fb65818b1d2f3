"use client";

import * as React from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { FilterBar } from "@/components/data-table/filter-bar";
import { ListView } from "@/components/data-table/list-view";
import { SortableHead } from "@/components/data-table/sortable-head";
import { Time } from "@/components/time";
import { TrustFormDialog, type TrustFormOptions } from "@/components/trust/trust-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
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

  return (
    <div className="space-y-3">
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
      <ListView
        query={q}
        columns={["Name", "Kind", "Issuer / trust domain", "Keys", "Audience", "Algorithms", "Status", "Updated", ""]}
        errorMessage="The trust configs could not be loaded."
        emptyTitle="No trust configs"
        emptyDescription="Agents can still use bootstrap keys. Add a SPIFFE trust domain or an OIDC issuer to accept workload tokens."
      >
        {(data) => (
          <Table aria-label="Trust configs">
            <TableHeader>
              <TableRow>
                <SortableHead column="name" isDefault defaultDir="asc">Name</SortableHead>
                <SortableHead column="kind">Kind</SortableHead>
                <TableHead>Issuer / trust domain</TableHead>
                <TableHead>Keys</TableHead>
                <TableHead>Audience</TableHead>
                <TableHead>Algorithms</TableHead>
                <TableHead>Status</TableHead>
                <SortableHead column="updatedAt" firstDir="desc">Updated</SortableHead>
                <TableHead><span className="sr-only">Actions</span></TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.items.map((t) => (
                <TableRow key={t.id}>
                  <TableCell className="font-medium">{t.name}</TableCell>
                  <TableCell>
                    <Badge variant={t.kind === "spiffe" ? "info" : "secondary"}>{t.kind === "spiffe" ? "SPIFFE" : "OIDC"}</Badge>
                  </TableCell>
                  <TableCell className="max-w-[18rem] truncate font-mono text-xs" title={t.issuer ?? t.trustDomain ?? undefined}>
                    {t.kind === "spiffe" ? `spiffe://${t.trustDomain}` : t.issuer}
                  </TableCell>
                  <TableCell className="max-w-[14rem] truncate text-xs" title={t.jwksUrl ?? undefined}>
                    {t.inlineKeyCount !== null ? (
                      `inline (${t.inlineKeyCount} ${t.inlineKeyCount === 1 ? "key" : "keys"})`
                    ) : (
                      <span className="font-mono">{t.jwksUrl}</span>
                    )}
                  </TableCell>
                  <TableCell className="font-mono text-xs">{t.audience}</TableCell>
                  <TableCell className="max-w-[12rem] font-mono text-xs">{t.algorithms.join(", ")}</TableCell>
                  <TableCell>
                    {t.enabled ? <Badge variant="success">Enabled</Badge> : <Badge variant="muted">Disabled</Badge>}
                  </TableCell>
                  <TableCell><Time value={t.updatedAt} /></TableCell>
                  <TableCell>
                    <RowActions trust={t} options={options} onChanged={refresh} />
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
