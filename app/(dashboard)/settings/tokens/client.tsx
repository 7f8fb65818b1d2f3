"use client";

import * as React from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { KeySquare } from "lucide-react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { FormAlert, SubmitButton } from "@/components/form-parts";
import { OneTimeSecret } from "@/components/one-time-secret";
import { Time } from "@/components/time";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import type { PublicToken } from "@/lib/db/queries/tokens";

type TokenList = { items: PublicToken[]; maxActive: number };
type Created = PublicToken & { token: string };

const EXPIRY = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never (not recommended)" },
];

export function TokensClient({ initial }: { initial: TokenList }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ["tokens"],
    queryFn: ({ signal }) => api<TokenList>("/api/v1/tokens", { signal }),
    initialData: initial,
  });
  const [created, setCreated] = React.useState<Created | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ["tokens"] });
  const active = q.data?.items.filter((t) => t.status === "active").length ?? 0;
  const max = q.data?.maxActive ?? initial.maxActive;
  const columns: Columns<PublicToken> = [
    { id: "name", header: "Name", meta: { className: "font-medium" }, cell: ({ row }) => row.original.name },
    { id: "token", header: "Token", meta: { className: "font-mono text-xs" }, cell: ({ row }) => `${row.original.prefix}…` },
    { id: "createdAt", header: "Created", cell: ({ row }) => <Time value={row.original.createdAt} show="absolute" /> },
    {
      id: "expiresAt",
      header: "Expires",
      cell: ({ row: { original: t } }) => (t.expiresAt ? <Time value={t.expiresAt} /> : <span className="text-muted-foreground">Never</span>),
    },
    { id: "lastUsedAt", header: "Last used", cell: ({ row }) => <Time value={row.original.lastUsedAt} show="relative" /> },
    { id: "status", header: "Status", cell: ({ row }) => <TokenStatus token={row.original} /> },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: ({ row: { original: t } }) =>
        t.status !== "revoked" && (
          <ConfirmDialog
            title={`Revoke “${t.name}”?`}
            description="Anything using this token gets 401 from its next request, on every Warden instance. This cannot be undone."
            confirmLabel="Revoke"
            trigger={<Button size="sm" variant="ghost" className="text-destructive">Revoke<span className="sr-only"> {t.name}</span></Button>}
            onConfirm={async (reason) => {
              await api(`/api/v1/tokens/${t.id}/revoke`, { body: { reason } });
              await refresh();
            }}
          />
        ),
    },
  ];

  return (
    <div className="grid gap-4">
      <CreateTokenCard
        atLimit={active >= max}
        max={max}
        onCreated={(t) => {
          setCreated(t);
          refresh();
        }}
      />
      <section aria-labelledby="tokens-heading" className="grid gap-2">
        <div className="flex items-baseline justify-between">
          <h2 id="tokens-heading" className="text-sm font-semibold">Your tokens</h2>
          <p className="tabular text-xs text-muted-foreground">{active} of {max} active</p>
        </div>
        <DataTable
          query={q}
          columns={columns}
          label="Your API tokens"
          errorMessage="Your tokens could not be loaded."
          empty={{ icon: <KeySquare />, title: "No tokens yet", description: "Create one above to call the API from scripts or CI." }}
        />
      </section>
      <RevealTokenDialog created={created} onClose={() => setCreated(null)} />
    </div>
  );
}

function TokenStatus({ token }: { token: PublicToken }) {
  if (token.status === "active") return <Badge variant="success">Active</Badge>;
  if (token.status === "expired") return <Badge variant="muted">Expired</Badge>;
  return <Badge variant="destructive" title={token.revokeReason ?? undefined}>Revoked</Badge>;
}

function CreateTokenCard({ atLimit, max, onCreated }: { atLimit: boolean; max: number; onCreated: (t: Created) => void }) {
  const { pending, fields, error, submit } = useApiForm({
    fallback: "The token could not be created. Try again.",
    fieldsReplaceMessage: true,
  });

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const days = String(f.get("expiresInDays") ?? "90");
    await submit(async () => {
      const t = await api<Created>("/api/v1/tokens", {
        body: { name: String(f.get("name") ?? ""), expiresInDays: days === "never" ? null : Number(days) },
      });
      form.reset();
      onCreated(t);
    });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Create a token</CardTitle>
        <CardDescription>Name it after where it will live (a CI job, a Terraform workspace) so you know what breaks when you revoke it.</CardDescription>
      </CardHeader>
      <CardContent>
        {atLimit && (
          <Alert variant="warning" className="mb-3">
            <AlertDescription>You have {max} active tokens, the most allowed. Revoke one you no longer use first.</AlertDescription>
          </Alert>
        )}
        <form onSubmit={onSubmit} className="flex flex-wrap items-start gap-3" aria-busy={pending || undefined} noValidate>
          <FormField name="name" label="Name" required error={fields.name} className="w-full sm:w-72">
            <Input placeholder="e.g. ci-onboarding" autoComplete="off" maxLength={100} disabled={pending} />
          </FormField>
          <FormField name="expiresInDays" label="Expires after" error={fields.expiresInDays} className="w-full sm:w-56">
            <NativeSelect defaultValue="90" disabled={pending}>
              {EXPIRY.map((o) => (
                <option key={o.value} value={o.value}>{o.label}</option>
              ))}
            </NativeSelect>
          </FormField>
          <div className="grid gap-1.5">
            {/* Keeps the button level with the inputs, under the same label height. */}
            <span aria-hidden="true" className="text-sm leading-none select-none">&nbsp;</span>
            <SubmitButton pending={pending} pendingLabel="Creating…" disabled={atLimit}>
              Create token
            </SubmitButton>
          </div>
        </form>
        <FormAlert message={error} className="mt-3" />
      </CardContent>
    </Card>
  );
}

/** Shows the new token exactly once; closing the dialog forgets it for good. */
function RevealTokenDialog({ created, onClose }: { created: Created | null; onClose: () => void }) {
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  const curl = created ? `curl -H "Authorization: Bearer ${created.token}" ${origin}/api/v1/agents` : "";
  return (
    <Dialog open={created !== null} onOpenChange={(o) => !o && onClose()}>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Copy your new token</DialogTitle>
          <DialogDescription>
            “{created?.name}”{created?.expiresAt ? "" : ", no expiry"}. Store it in your secret manager or CI secrets.
          </DialogDescription>
        </DialogHeader>
        {created ? (
          <OneTimeSecret
            secret={created.token}
            copyLabel="Copy token"
            note="Warden keeps only a hash of it. If it is lost, revoke it and create a new one."
            legacyTestId="new-token"
            onDone={onClose}
          >
            <div className="grid gap-1.5">
              <p className="text-xs font-medium text-muted-foreground">Try it</p>
              <pre className="overflow-x-auto rounded-md border bg-muted px-3 py-2 font-mono text-xs whitespace-pre-wrap break-all">{curl}</pre>
            </div>
          </OneTimeSecret>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}
