"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";

type Intent = { goal: string; actions: string[]; resources?: string[]; maxSensitivity: string; destinations?: string[]; ttlSeconds: number };
type Result = { status: "accepted" | "pending" | "denied"; intentVersion: number; reasons: { code: string; message: string }[]; escalationId?: string };

const lines = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * A person files a new intent for a live session. Narrowing applies at once; a widening becomes
 * an escalation that someone else must approve (the filer never can).
 */
export function ProposeIntentDialog({ sessionId, intent }: { sessionId: string; intent: Intent }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const { pending, error, submit } = useApiForm({ fallback: "Could not file the intent change." });

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const resources = lines(f.get("resources"));
    const next: Intent = {
      goal: String(f.get("goal") ?? "").trim(),
      actions: lines(f.get("actions")),
      ...(resources.length ? { resources } : {}),
      maxSensitivity: String(f.get("maxSensitivity")),
      destinations: lines(f.get("destinations")),
      ttlSeconds: Number(f.get("ttlSeconds")),
    };
    await submit(async () => {
      setResult(await api<Result>(`/api/v1/sessions/${sessionId}/intent`, { method: "PATCH", body: { intent: next, reason: String(f.get("reason") ?? "") } }));
      router.refresh();
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (pending) return;
        setOpen(next);
        if (!next) setResult(null);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          Propose intent change
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>{result ? "Intent change filed" : "Propose an intent change"}</DialogTitle>
          <DialogDescription>
            {result
              ? null
              : "Narrowing applies at once. Anything wider waits for another approver — you cannot approve a change you filed."}
          </DialogDescription>
        </DialogHeader>
        {result ? (
          <div className="space-y-3 text-sm" role="status">
            {result.status === "accepted" ? <p>Applied: the session now runs under intent version {result.intentVersion}.</p> : null}
            {result.status === "pending" && result.escalationId ? (
              <p>
                It widens the intent, so it waits for someone else.{" "}
                <Link className="underline" href={`/escalations/${result.escalationId}`}>
                  Open the escalation
                </Link>
              </p>
            ) : null}
            {result.status === "denied" ? <p className="text-destructive">Refused: {result.reasons.map((r) => r.message).join("; ")}</p> : null}
            <DialogFooter>
              <Button onClick={() => setOpen(false)}>Close</Button>
            </DialogFooter>
          </div>
        ) : (
          <form onSubmit={onSubmit} className="grid gap-3">
            <FormField name="goal" label="Goal" required>
              <Input defaultValue={intent.goal} required />
            </FormField>
            <FormField name="actions" label="Actions" description="connector:tool.operation, one per line; * is a wildcard" required>
              <Textarea defaultValue={intent.actions.join("\n")} rows={3} className="font-mono text-xs" required />
            </FormField>
            <FormField name="resources" label="Resources" description="One per line; empty means any">
              <Textarea defaultValue={(intent.resources ?? []).join("\n")} rows={2} className="font-mono text-xs" />
            </FormField>
            <div className="grid grid-cols-2 gap-3">
              <FormField name="maxSensitivity" label="Highest sensitivity">
                <NativeSelect defaultValue={intent.maxSensitivity}>
                  {["public", "internal", "confidential", "restricted"].map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </NativeSelect>
              </FormField>
              <FormField name="ttlSeconds" label="Time limit (seconds)">
                <Input type="number" min={1} defaultValue={intent.ttlSeconds} />
              </FormField>
            </div>
            <FormField name="destinations" label="Destinations" description="One per line, e.g. internal:* or email:*@example.com">
              <Textarea defaultValue={(intent.destinations ?? []).join("\n")} rows={2} className="font-mono text-xs" />
            </FormField>
            <FormField name="reason" label="Reason" required>
              <Textarea rows={2} required minLength={3} placeholder="Why the session needs this" />
            </FormField>
            {error ? (
              <p role="alert" className="text-sm text-destructive">
                {error}
              </p>
            ) : null}
            <DialogFooter>
              <Button type="submit" disabled={pending}>
                {pending ? "Filing…" : "File the change"}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
