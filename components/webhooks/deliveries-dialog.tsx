"use client";

import * as React from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { RefreshCw, Send } from "lucide-react";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { api } from "@/lib/client/api";
import type { DeliveryRow } from "@/lib/domain/webhooks/views";

/** A delivery's state in words; colour is never the only signal. */
export function DeliveryStatus({ status, attempts }: { status: string; attempts: number }) {
  if (status === "sent") return <Badge variant="success">Sent</Badge>;
  if (status === "failed") return <Badge variant="destructive">Failed</Badge>;
  return <Badge variant="warning">{attempts > 0 ? "Retrying" : "Queued"}</Badge>;
}

/** The last 20 deliveries of one webhook, loaded when the dialog opens. */
export function DeliveriesDialog({ webhookId, name }: { webhookId: string; name: string }) {
  const [open, setOpen] = React.useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost">
          Deliveries<span className="sr-only"> of {name}</span>
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-4xl">
        <DialogHeader>
          <DialogTitle>Recent deliveries: {name}</DialogTitle>
          <DialogDescription>
            The 20 most recent notifications. Failed attempts are retried after 5 s, 30 s, 2 min, 10 min and 30 min, then given up.
          </DialogDescription>
        </DialogHeader>
        {open ? <Deliveries webhookId={webhookId} /> : null}
      </DialogContent>
    </Dialog>
  );
}

const COLUMNS: Columns<DeliveryRow> = [
  {
    id: "escalation",
    header: "Escalation",
    cell: ({ row: { original: d } }) => (
      <>
        <Link href={`/escalations/${d.escalation.id}`} className="underline-offset-2 hover:underline">
          {d.escalation.agentName}
        </Link>
        <span className="ml-1.5 text-xs text-muted-foreground">
          {d.escalation.kind.replace("_", " ")} · {d.escalation.risk}
        </span>
      </>
    ),
  },
  { id: "status", header: "Status", cell: ({ row: { original: d } }) => <DeliveryStatus status={d.status} attempts={d.attempts} /> },
  { id: "attempts", header: "Attempts", meta: { align: "right", className: "tabular" }, cell: ({ row }) => row.original.attempts },
  {
    id: "lastAnswer",
    header: "Last answer",
    meta: { className: "max-w-[16rem] truncate font-mono text-xs", cellProps: (d) => ({ title: d.lastError ?? undefined }) },
    cell: ({ row: { original: d } }) => d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—"),
  },
  { id: "createdAt", header: "Queued", cell: ({ row }) => <Time value={row.original.createdAt} show="relative" /> },
  {
    id: "delivered",
    header: "Delivered / next try",
    cell: ({ row: { original: d } }) =>
      d.deliveredAt ? <Time value={d.deliveredAt} show="relative" /> : d.status === "pending" ? <Time value={d.nextAttemptAt} show="relative" /> : "—",
  },
];

function Deliveries({ webhookId }: { webhookId: string }) {
  const q = useQuery({
    queryKey: ["webhook-deliveries", webhookId],
    queryFn: ({ signal }) => api<{ items: DeliveryRow[] }>(`/api/v1/webhooks/${webhookId}/deliveries`, { signal }),
    // Retries happen in the background: keep the view current while it is open.
    refetchInterval: 5000,
  });
  return (
    <div className="grid gap-2">
      <div className="flex justify-end">
        <Button size="sm" variant="outline" onClick={() => q.refetch()} disabled={q.isFetching}>
          <RefreshCw aria-hidden="true" className={q.isFetching ? "animate-spin" : undefined} />
          Refresh
        </Button>
      </div>
      <DataTable
        query={q}
        columns={COLUMNS}
        label="Recent deliveries"
        errorMessage="The deliveries could not be loaded."
        empty={{
          icon: <Send />,
          title: "No deliveries yet",
          description: "A notification is queued within seconds of a matching escalation. Use Send test to check the receiver now.",
        }}
        markBusy={false}
      />
    </div>
  );
}
