"use client";

import { useQueryClient } from "@tanstack/react-query";
import { X } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { credentialKindLabel, CredentialStatusBadge, JitBadge } from "@/components/credentials/badges";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { DateRangeNote } from "@/components/data-table/date-range-note";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { useUrlState } from "@/components/data-table/use-url-state";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { api } from "@/lib/client/api";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { CredentialRow } from "@/lib/db/queries/credentials";
import { BULK_REVOKE_MAX, CREDENTIAL_KINDS, CREDENTIAL_STATUSES } from "@/lib/domain/credentials/constants";
import type { BulkRevokeResult } from "@/lib/services/credentials/bulk-revoke";
import { capitalize } from "@/lib/utils";

const STATUS = optionsOf(CREDENTIAL_STATUSES, capitalize);
const KINDS = optionsOf(CREDENTIAL_KINDS, credentialKindLabel);
const JIT = [
  { value: "true", label: "Just-in-time" },
  { value: "false", label: "Standing" },
];

const none = <span className="text-muted-foreground">—</span>;

/** The columns every viewer sees; people who can revoke get a selection column in front. */
const COLUMNS: Columns<CredentialRow> = [
  {
    id: "name",
    header: "Name",
    meta: { sortKey: "name", className: "max-w-[16rem] truncate font-medium", cellProps: (c) => ({ title: c.name }) },
    cell: ({ row: { original: c } }) => (
      <Link className="hover:underline" href={`/credentials/${c.id}`}>
        {c.name}
      </Link>
    ),
  },
  { id: "prefix", header: "Prefix", meta: { className: "font-mono text-xs" }, cell: ({ row }) => row.original.prefix ?? none },
  { id: "kind", header: "Kind", meta: { className: "whitespace-nowrap" }, cell: ({ row }) => credentialKindLabel(row.original.kind) },
  { id: "type", header: "Type", cell: ({ row }) => <JitBadge jit={row.original.jit} /> },
  {
    id: "agent",
    header: "Agent",
    cell: ({ row: { original: c } }) => (
      <Link className="hover:underline" href={`/agents/${c.agentId}`}>
        {c.agentName}
      </Link>
    ),
  },
  {
    id: "connector",
    header: "Connector",
    meta: { className: "font-mono text-xs" },
    cell: ({ row: { original: c } }) =>
      c.connectorId ? (
        <Link className="hover:underline" href={`/connectors/${c.connectorId}`} title={c.connectorDisplayName ?? undefined}>
          {c.connectorName}
        </Link>
      ) : (
        none
      ),
  },
  { id: "issuedAt", header: "Issued", meta: { sortKey: "issuedAt", defaultDir: "desc", firstDir: "desc" }, cell: ({ row }) => <Time value={row.original.issuedAt} /> },
  {
    id: "expiresAt",
    header: "Expires",
    meta: { sortKey: "expiresAt" },
    cell: ({ row: { original: c } }) => (c.expiresAt ? <Time value={c.expiresAt} /> : <span className="text-warning">never</span>),
  },
  { id: "lastUsedAt", header: "Last used", meta: { sortKey: "lastUsedAt", firstDir: "desc" }, cell: ({ row }) => <Time value={row.original.lastUsedAt} /> },
  { id: "status", header: "Status", cell: ({ row }) => <CredentialStatusBadge status={row.original.status} /> },
];

export function CredentialsClient({
  initial,
  connectors,
  agentFilter,
  canRevoke,
  canRecord,
}: {
  initial: InitialPage<CredentialRow>;
  connectors: { value: string; label: string }[];
  agentFilter: { id: string; name: string } | null;
  canRevoke: boolean;
  canRecord: boolean;
}) {
  const q = useListQuery<CredentialRow>("credentials", initial);
  const queryClient = useQueryClient();
  const { setParams } = useUrlState();
  const sp = useSearchParams();
  const key = sp.toString();
  const revokedRange = sp.get("timeField") === "revokedAt";
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [outcome, setOutcome] = useState<string>();

  // A selection belongs to the rows it was made on: a new filter, sort or page starts afresh.
  useEffect(() => setSelected(new Set()), [key]);

  const rows = q.data?.items ?? [];
  const selectable = rows.filter((r) => r.status !== "revoked");
  const selectedOnPage = selectable.filter((r) => selected.has(r.id)).length;
  const headerState = selectable.length > 0 && selectedOnPage === selectable.length ? true : selectedOnPage > 0 ? "indeterminate" : false;

  function toggle(id: string, on: boolean) {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  async function revokeSelected(reason: string) {
    const ids = [...selected];
    const r = await api<BulkRevokeResult>("/api/v1/credentials/bulk-revoke", { body: { ids, reason } });
    setSelected(new Set());
    setOutcome(
      `Revoked ${r.revoked.length} credential${r.revoked.length === 1 ? "" : "s"}` +
        (r.skipped.length ? `; ${r.skipped.length} already revoked.` : "."),
    );
    await queryClient.invalidateQueries({ queryKey: ["credentials"] });
  }

  const selectColumn: Columns<CredentialRow>[number] = {
    id: "select",
    header: () => (
      <Checkbox
        aria-label="Select every credential on this page that can be revoked"
        checked={headerState}
        disabled={selectable.length === 0}
        onCheckedChange={(v) => selectable.forEach((r) => toggle(r.id, v === true))}
      />
    ),
    cell: ({ row: { original: c } }) => (
      <Checkbox aria-label={`Select ${c.name}`} checked={selected.has(c.id)} disabled={c.status === "revoked"} onCheckedChange={(v) => toggle(c.id, v === true)} />
    ),
  };
  const columns = canRevoke ? [selectColumn, ...COLUMNS] : COLUMNS;
  return (
    <div className="space-y-3">
      <DataTable
        query={q}
        columns={columns}
        rowProps={(c) => ({ "data-state": selected.has(c.id) ? "selected" : undefined })}
        errorMessage="The credential list could not be loaded."
        empty={{ title: "No credentials match", description: "Change the filters or record a standing secret." }}
        aboveTable={
          selected.size >= BULK_REVOKE_MAX ? (
            <p className="text-sm text-warning">At most {BULK_REVOKE_MAX} credentials can be revoked at once.</p>
          ) : null
        }
        toolbar={
          <>
            <FilterBar
              alsoClears={["from", "to", "timeField"]}
              searchLabel="Search credentials"
              searchPlaceholder="Name, prefix or agent"
              filters={[
                { param: "status", label: "Status", options: STATUS },
                { param: "jit", label: "Type", options: JIT },
                { param: "kind", label: "Kind", options: KINDS },
                { param: "connectorId", label: "Connector", options: connectors },
              ]}
              actions={
                <>
                  {canRevoke ? (
                    <ConfirmDialog
                      title={`Revoke ${selected.size} credential${selected.size === 1 ? "" : "s"}?`}
                      description="They stop working on their next use, on every Warden instance. Each revocation is recorded in the audit trail with this reason."
                      confirmLabel="Revoke"
                      trigger={
                        <Button variant="destructive" size="sm" disabled={selected.size === 0}>
                          Revoke selected{selected.size ? ` (${selected.size})` : ""}
                        </Button>
                      }
                      onConfirm={revokeSelected}
                    />
                  ) : null}
                  {canRecord ? (
                    <Button asChild size="sm" variant="outline">
                      <Link href={agentFilter ? `/credentials/new?agentId=${agentFilter.id}` : "/credentials/new"}>Record standing secret</Link>
                    </Button>
                  ) : null}
                </>
              }
            />
            <DateRangeNote label={revokedRange ? "Revoked" : "Issued"} alsoClears={["timeField"]} />
            {agentFilter ? (
              <p className="flex items-center gap-2 text-sm">
                Credentials of agent{" "}
                <Link className="font-medium hover:underline" href={`/agents/${agentFilter.id}`}>
                  {agentFilter.name}
                </Link>
                <Button variant="ghost" size="sm" onClick={() => setParams({ agentId: null })}>
                  <X aria-hidden="true" />
                  Show all agents
                </Button>
              </p>
            ) : null}
            <p role="status" aria-live="polite" className="text-sm">
              {outcome}
            </p>
          </>
        }
      />
    </div>
  );
}
