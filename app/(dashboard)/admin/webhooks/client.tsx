"use client";

import * as React from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, Webhook } from "lucide-react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { OneTimeSecret } from "@/components/one-time-secret";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { DeliveriesDialog, DeliveryStatus } from "@/components/webhooks/deliveries-dialog";
import { RISK_LABELS, WebhookFormDialog, type Created } from "@/components/webhooks/webhook-form";
import { api, ApiClientError } from "@/lib/client/api";
import type { WebhookRow } from "@/lib/db/queries/webhooks";

type List = { items: WebhookRow[] };
type Reveal = { name: string; secret: string; why: "created" | "rotated" };

export function WebhooksClient({ initial, teams }: { initial: List; teams: string[] }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ["webhooks"],
    queryFn: ({ signal }) => api<List>("/api/v1/webhooks", { signal }),
    initialData: initial,
  });
  const [reveal, setReveal] = React.useState<Reveal | null>(null);
  const refresh = React.useCallback(() => qc.invalidateQueries({ queryKey: ["webhooks"] }), [qc]);
  const columns = React.useMemo<Columns<WebhookRow>>(
    () => [
      { id: "name", header: "Name", meta: { className: "font-medium" }, cell: ({ row }) => row.original.name },
      { id: "url", header: "URL", meta: { className: "max-w-[18rem] truncate font-mono text-xs", cellProps: (w) => ({ title: w.url }) }, cell: ({ row }) => row.original.url },
      { id: "team", header: "Team", cell: ({ row }) => row.original.team ?? <span className="text-muted-foreground">Every team</span> },
      {
        id: "minRisk",
        header: "Min risk",
        cell: ({ row: { original: w } }) => (w.minRisk ? RISK_LABELS[w.minRisk] : <span className="text-muted-foreground">Any</span>),
      },
      {
        id: "status",
        header: "Status",
        cell: ({ row }) => (row.original.enabled ? <Badge variant="success">Enabled</Badge> : <Badge variant="muted">Disabled</Badge>),
      },
      {
        id: "secret",
        header: "Secret",
        meta: { className: "font-mono text-xs", cellProps: () => ({ title: "The last four characters of the signing secret" }) },
        cell: ({ row }) => `…${row.original.secretHint}`,
      },
      { id: "lastDelivery", header: "Last delivery", cell: ({ row }) => <LastDelivery webhook={row.original} /> },
      {
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => <RowActions webhook={row.original} teams={teams} onChanged={refresh} onReveal={setReveal} />,
      },
    ],
    [teams, refresh],
  );

  return (
    <div className="space-y-3">
      <div className="flex justify-end">
        <WebhookFormDialog
          teams={teams}
          onSaved={(created?: Created) => {
            void refresh();
            if (created) setReveal({ name: created.webhook.name, secret: created.secret, why: "created" });
          }}
          trigger={
            <Button size="sm">
              <Plus aria-hidden="true" />
              Add webhook
            </Button>
          }
        />
      </div>
      <DataTable
        query={q}
        columns={columns}
        label="Webhooks"
        errorMessage="The webhooks could not be loaded."
        empty={{
          icon: <Webhook />,
          title: "No webhooks",
          description: "Escalations wait in the queue until someone looks. Add a webhook to tell a team's chat or pager the moment one is raised.",
        }}
      />
      <RevealSecretDialog reveal={reveal} onClose={() => setReveal(null)} />
    </div>
  );
}

function LastDelivery({ webhook: w }: { webhook: WebhookRow }) {
  if (!w.lastDelivery) return <span className="text-muted-foreground">None yet</span>;
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <DeliveryStatus status={w.lastDelivery.status} attempts={w.lastDelivery.attempts} />
      {w.lastDelivery.lastStatusCode ? <span className="font-mono text-xs">{w.lastDelivery.lastStatusCode}</span> : null}
      <Time value={w.lastDelivery.at} show="relative" className="text-xs text-muted-foreground" />
    </div>
  );
}

function RowActions({
  webhook: w,
  teams,
  onChanged,
  onReveal,
}: {
  webhook: WebhookRow;
  teams: string[];
  onChanged: () => void;
  onReveal: (r: Reveal) => void;
}) {
  const patch = async (body: object) => {
    await api(`/api/v1/webhooks/${w.id}`, { method: "PATCH", body });
    onChanged();
  };
  return (
    <div className="flex flex-wrap items-center justify-end gap-1">
      <TestButton id={w.id} name={w.name} onDone={onChanged} />
      <DeliveriesDialog webhookId={w.id} name={w.name} />
      <WebhookFormDialog
        webhook={w}
        teams={teams}
        onSaved={onChanged}
        trigger={<Button size="sm" variant="ghost">Edit<span className="sr-only"> {w.name}</span></Button>}
      />
      <ConfirmDialog
        title={`Rotate the secret of ${w.name}?`}
        description="The current secret stops working at once, retries included: the receiver refuses Warden's notifications until it has the new one, which you will see once."
        confirmLabel="Rotate secret"
        requireReason={false}
        trigger={<Button size="sm" variant="ghost">Rotate secret<span className="sr-only"> of {w.name}</span></Button>}
        onConfirm={async () => {
          const r = await api<Created>(`/api/v1/webhooks/${w.id}/rotate-secret`, { method: "POST" });
          onChanged();
          onReveal({ name: r.webhook.name, secret: r.secret, why: "rotated" });
        }}
      />
      {w.enabled ? (
        <ConfirmDialog
          title={`Disable ${w.name}?`}
          description="No more notifications go to this URL, and deliveries still being retried are given up. The team learns of new escalations only from the queue until it is enabled again."
          confirmLabel="Disable"
          trigger={<Button size="sm" variant="ghost" className="text-destructive">Disable<span className="sr-only"> {w.name}</span></Button>}
          onConfirm={(reason) => patch({ enabled: false, reason })}
        />
      ) : (
        <ConfirmDialog
          title={`Enable ${w.name}?`}
          description="Notifications resume for escalations raised from now on (and pending ones from the last day that were never queued)."
          confirmLabel="Enable"
          variant="default"
          requireReason={false}
          trigger={<Button size="sm" variant="outline">Enable<span className="sr-only"> {w.name}</span></Button>}
          onConfirm={() => patch({ enabled: true })}
        />
      )}
    </div>
  );
}

type TestResult = { ok: boolean; statusCode: number | null; error: string | null; durationMs: number };

/** Sends a signed ping now and says, next to the button, what the receiver answered. */
function TestButton({ id, name, onDone }: { id: string; name: string; onDone: () => void }) {
  const [pending, setPending] = React.useState(false);
  const [result, setResult] = React.useState<{ ok: boolean; text: string } | null>(null);
  async function run() {
    setPending(true);
    setResult(null);
    try {
      const r = await api<TestResult>(`/api/v1/webhooks/${id}/test`, { method: "POST" });
      setResult(r.ok ? { ok: true, text: `Delivered (HTTP ${r.statusCode}, ${r.durationMs} ms)` } : { ok: false, text: `Failed: ${r.error ?? "no answer"}` });
      onDone();
    } catch (err) {
      setResult({ ok: false, text: err instanceof ApiClientError ? err.message : "The test could not be sent. Try again." });
    } finally {
      setPending(false);
    }
  }
  return (
    <span className="inline-flex items-center gap-1.5">
      <span aria-live="polite" className={result?.ok ? "text-xs text-success" : "max-w-[14rem] truncate text-xs text-destructive"} title={result?.text}>
        {result?.text}
      </span>
      <Button size="sm" variant="outline" onClick={run} disabled={pending}>
        {pending ? "Sending…" : "Send test"}
        <span className="sr-only"> to {name}</span>
      </Button>
    </span>
  );
}

/** Shows a signing secret exactly once; closing the dialog forgets it for good. */
function RevealSecretDialog({ reveal, onClose }: { reveal: Reveal | null; onClose: () => void }) {
  return (
    <Dialog open={reveal !== null} onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{reveal?.why === "rotated" ? "Secret rotated" : "Webhook added"}: copy the signing secret</DialogTitle>
          <DialogDescription>
            For {reveal?.name}. Give it to the receiver, which uses it to check the X-Warden-Signature header of every notification.
          </DialogDescription>
        </DialogHeader>
        {reveal ? (
          <OneTimeSecret
            secret={reveal.secret}
            copyLabel="Copy secret"
            note="Warden keeps it encrypted and never shows it again. If it is lost, rotate the secret."
            onDone={onClose}
          />
        ) : null}
      </DialogContent>
    </Dialog>
  );
}
