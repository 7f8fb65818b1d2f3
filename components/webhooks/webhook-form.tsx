"use client";

import * as React from "react";
import { FormAlert, SubmitButton } from "@/components/form-parts";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import type { PublicWebhook } from "@/lib/domain/webhooks/views";
import { RISKS } from "@/lib/domain/webhooks/constants";

export const RISK_LABELS: Record<(typeof RISKS)[number], string> = { low: "Low", medium: "Medium", high: "High" };

export type Created = { webhook: PublicWebhook; secret: string };

/**
 * Add (no `webhook`) or edit a webhook in a dialog. Adding answers with the signing secret, which
 * the caller shows once; editing never touches the secret (rotate it instead).
 */
export function WebhookFormDialog({
  webhook,
  teams,
  trigger,
  onSaved,
}: {
  webhook?: PublicWebhook;
  /** Teams agents are in today, offered as suggestions; any team may be typed. */
  teams: string[];
  trigger: React.ReactNode;
  onSaved: (created?: Created) => void;
}) {
  const [open, setOpen] = React.useState(false);
  const { pending, fields, error, submit, reset } = useApiForm({ fallback: "The webhook could not be saved. Try again.", fieldsReplaceMessage: true });
  const listId = React.useId();

  function onOpenChange(next: boolean) {
    if (pending) return; // never drop an in-flight request by closing its dialog
    setOpen(next);
    reset();
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    const body = { name: get("name"), url: get("url"), team: get("team") || null, minRisk: get("minRisk") || null };
    await submit(async () => {
      if (webhook) {
        await api(`/api/v1/webhooks/${webhook.id}`, { method: "PATCH", body });
        setOpen(false);
        onSaved();
      } else {
        const created = await api<Created>("/api/v1/webhooks", { body });
        setOpen(false);
        onSaved(created);
      }
    });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>{webhook ? `Edit ${webhook.name}` : "Add a webhook"}</DialogTitle>
          <DialogDescription>
            Warden POSTs a signed JSON notification to this URL for every new escalation that matches the filters.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-3" aria-busy={pending || undefined} noValidate>
          <FormField name="name" label="Name" required error={fields.name} description="Unique, e.g. payments on-call">
            <Input defaultValue={webhook?.name} autoComplete="off" maxLength={100} disabled={pending} autoFocus />
          </FormField>
          <FormField name="url" label="URL" required error={fields.url} description="http or https; no user:password@ (receivers check the signature instead).">
            <Input
              type="url"
              inputMode="url"
              defaultValue={webhook?.url}
              placeholder="https://hooks.example.com/warden"
              autoComplete="off"
              spellCheck={false}
              maxLength={2000}
              disabled={pending}
            />
          </FormField>
          <div className="grid gap-3 sm:grid-cols-2">
            <FormField name="team" label="Team" error={fields.team} description="Only this team's agents. Empty: every team.">
              <Input defaultValue={webhook?.team ?? ""} list={listId} autoComplete="off" maxLength={100} disabled={pending} />
            </FormField>
            <FormField name="minRisk" label="Minimum risk" error={fields.minRisk} description="This risk and above.">
              <NativeSelect defaultValue={webhook?.minRisk ?? ""} disabled={pending}>
                <option value="">Any risk</option>
                {RISKS.map((r) => (
                  <option key={r} value={r}>{RISK_LABELS[r]}</option>
                ))}
              </NativeSelect>
            </FormField>
          </div>
          <datalist id={listId}>
            {teams.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          <FormAlert message={error} />
          <DialogFooter>
            <SubmitButton pending={pending} pendingLabel={webhook ? "Saving…" : "Adding…"}>
              {webhook ? "Save" : "Add webhook"}
            </SubmitButton>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
