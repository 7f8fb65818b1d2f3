"use client";

import { useQueryClient } from "@tanstack/react-query";
import { X } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { credentialKindLabel, CredentialStatusBadge, JitBadge } from "@/components/credentials/badges";
import { DateRangeNote } from "@/components/data-table/date-range-note";
import { FilterBar, optionsOf } from "@/components/data-table/filter-bar";
import { ListView } from "@/components/data-table/list-view";
import { SortableHead } from "@/components/data-table/sortable-head";
import { useUrlState } from "@/components/data-table/use-url-state";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
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

  const columns = 10 + (canRevoke ? 1 : 0);
  return (
    <div className="space-y-3">
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
      <ListView
        query={q}
        columns={columns}
        errorMessage="The credential list could not be loaded."
        emptyTitle="No credentials match"
        emptyDescription="Change the filters or record a standing secret."
        aboveTable={
          selected.size >= BULK_REVOKE_MAX ? (
            <p className="text-sm text-warning">At most {BULK_REVOKE_MAX} credentials can be revoked at once.</p>
          ) : null
        }
      >
        {() => (
          <Table>
            <TableHeader>
              <TableRow>
                {canRevoke ? (
                  <TableHead>
                    <Checkbox
                      aria-label="Select every credential on this page that can be revoked"
                      checked={headerState}
                      disabled={selectable.length === 0}
                      onCheckedChange={(v) => selectable.forEach((r) => toggle(r.id, v === true))}
                    />
                  </TableHead>
                ) : null}
                <SortableHead column="name">Name</SortableHead>
                <TableHead>Prefix</TableHead>
                <TableHead>Kind</TableHead>
                <TableHead>Type</TableHead>
                <TableHead>Agent</TableHead>
                <TableHead>Connector</TableHead>
                <SortableHead column="issuedAt" isDefault defaultDir="desc" firstDir="desc">
                  Issued
                </SortableHead>
                <SortableHead column="expiresAt">Expires</SortableHead>
                <SortableHead column="lastUsedAt" firstDir="desc">
                  Last used
                </SortableHead>
                <TableHead>Status</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((c) => (
                <TableRow key={c.id} data-state={selected.has(c.id) ? "selected" : undefined}>
                  {canRevoke ? (
                    <TableCell>
                      <Checkbox
                        aria-label={`Select ${c.name}`}
                        checked={selected.has(c.id)}
                        disabled={c.status === "revoked"}
                        onCheckedChange={(v) => toggle(c.id, v === true)}
                      />
                    </TableCell>
                  ) : null}
                  <TableCell className="max-w-[16rem] truncate font-medium" title={c.name}>
                    <Link className="hover:underline" href={`/credentials/${c.id}`}>
                      {c.name}
                    </Link>
                  </TableCell>
                  <TableCell className="font-mono text-xs">{c.prefix ?? <span className="text-muted-foreground">—</span>}</TableCell>
                  <TableCell className="whitespace-nowrap">{credentialKindLabel(c.kind)}</TableCell>
                  <TableCell>
                    <JitBadge jit={c.jit} />
                  </TableCell>
                  <TableCell>
                    <Link className="hover:underline" href={`/agents/${c.agentId}`}>
                      {c.agentName}
                    </Link>
                  </TableCell>
                  <TableCell className="font-mono text-xs">
                    {c.connectorId ? (
                      <Link className="hover:underline" href={`/connectors/${c.connectorId}`} title={c.connectorDisplayName ?? undefined}>
                        {c.connectorName}
                      </Link>
                    ) : (
                      <span className="text-muted-foreground">—</span>
                    )}
                  </TableCell>
                  <TableCell>
                    <Time value={c.issuedAt} />
                  </TableCell>
                  <TableCell>{c.expiresAt ? <Time value={c.expiresAt} /> : <span className="text-warning">never</span>}</TableCell>
                  <TableCell>
                    <Time value={c.lastUsedAt} />
                  </TableCell>
                  <TableCell>
                    <CredentialStatusBadge status={c.status} />
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
