"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { OneTimeSecret } from "@/components/one-time-secret";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";

type Issued = { id: string; secret: string; prefix: string; expiresAt: string | null };

/** Issues a bootstrap key and shows its plaintext exactly once. */
export function IssueKeyDialog({ agentId }: { agentId: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [issued, setIssued] = useState<Issued | null>(null);
  const { pending, error, submit } = useApiForm({ fallback: "Could not issue the key." });

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const days = String(f.get("expiresInDays"));
    await submit(async () => {
      const res = await api<Issued>(`/api/v1/agents/${agentId}/keys`, {
        body: { name: String(f.get("name") || "bootstrap key"), expiresInDays: days === "never" ? null : Number(days) },
      });
      setIssued(res);
      router.refresh();
    });
  }

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) setIssued(null); // the plaintext is gone for good once the dialog closes
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button size="sm">Issue bootstrap key</Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{issued ? "Copy the key now" : "Issue a bootstrap key"}</DialogTitle>
          <DialogDescription>
            {issued
              ? "This is the only time the key is shown. Warden keeps only its hash."
              : "The agent uses this key to authenticate to Warden's machine API."}
          </DialogDescription>
        </DialogHeader>
        {issued ? (
          <div className="space-y-3">
            <OneTimeSecret secret={issued.secret} onDone={() => onOpenChange(false)} />
          </div>
        ) : (
          <form onSubmit={onSubmit} className="space-y-3">
            <FormField name="name" label="Label">
              <Input defaultValue="bootstrap key" />
            </FormField>
            <FormField name="expiresInDays" label="Expires">
              <NativeSelect defaultValue="90">
                <option value="7">in 7 days</option>
                <option value="30">in 30 days</option>
                <option value="90">in 90 days</option>
                <option value="365">in 1 year</option>
                <option value="never">never (standing — discouraged)</option>
              </NativeSelect>
            </FormField>
            {error ? (
              <p role="alert" className="text-sm text-destructive">
                {error}
              </p>
            ) : null}
            <DialogFooter>
              <Button type="submit" disabled={pending}>
                {pending ? "Issuing…" : "Issue key"}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
