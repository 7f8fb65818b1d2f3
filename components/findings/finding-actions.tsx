"use client";

import { useQueryClient } from "@tanstack/react-query";
import * as React from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { api, ApiClientError } from "@/lib/client/api";

type Props = { id: string; title: string; status: string; assigneeId: string | null; people: { id: string; name: string }[] };

/** Acknowledge / resolve / reopen (each with a note) and assign; every change is audited server-side. */
export function FindingActions({ id, title, status, assigneeId, people }: Props) {
  const client = useQueryClient();
  const [error, setError] = React.useState<string | null>(null);
  const patch = async (body: object) => {
    await api(`/api/v1/findings/${id}`, { method: "PATCH", body });
    await client.invalidateQueries({ queryKey: ["findings"] });
  };
  const change = (to: string, label: string, description: string) => (
    <ConfirmDialog
      title={`${label}: ${title}`}
      description={description}
      confirmLabel={label}
      variant="default"
      trigger={
        <Button variant="outline" size="sm">
          {label}
        </Button>
      }
      onConfirm={(note) => patch({ status: to, note })}
    />
  );
  return (
    <div className="flex flex-wrap items-center justify-end gap-1">
      <label className="sr-only" htmlFor={`assign-${id}`}>
        Assign {title}
      </label>
      <select
        id={`assign-${id}`}
        className="h-8 max-w-[10rem] rounded-md border bg-background px-2 text-xs"
        value={assigneeId ?? ""}
        onChange={(e) => {
          setError(null);
          patch({ assigneeId: e.target.value || null }).catch((err) => setError(err instanceof ApiClientError ? err.message : "Could not assign"));
        }}
      >
        <option value="">Unassigned</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      {status === "open" ? change("acknowledged", "Acknowledge", "Say what you are doing about it; the note is kept with the finding and in the audit trail.") : null}
      {status !== "resolved" ? change("resolved", "Resolve", "Say how it was resolved; the note is kept with the finding and in the audit trail.") : null}
      {status === "resolved" ? change("open", "Reopen", "Say why it needs attention again.") : null}
      {error ? (
        <span role="alert" className="text-xs text-destructive">
          {error}
        </span>
      ) : null}
    </div>
  );
}
