"use client";

import { LoaderCircle } from "lucide-react";
import { useRouter } from "next/navigation";

import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button, type ButtonProps } from "@/components/ui/button";

/** A form-level message as a banner at the top of a form, e.g. the API's summary of what it refused. */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive">
      {message}
    </p>
  );
}

/** A form-level message as an alert with an icon, placed by the submit button of a dialog or card form. */
export function FormAlert({ message, className }: { message: string | null | undefined; className?: string }) {
  if (!message) return null;
  return (
    <Alert variant="destructive" className={className}>
      <AlertDescription>{message}</AlertDescription>
    </Alert>
  );
}

/** Submit and Cancel under a full-page form; Cancel goes back to wherever the person came from. */
export function FormActions({ pending, label, pendingLabel = "Saving…" }: { pending: boolean; label: string; pendingLabel?: string }) {
  const router = useRouter();
  return (
    <div className="flex gap-2">
      <Button type="submit" disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
      <Button type="button" variant="ghost" onClick={() => router.back()}>
        Cancel
      </Button>
    </div>
  );
}

export type SubmitButtonProps = Omit<ButtonProps, "type"> & { pending: boolean; pendingLabel: string };

/** A submit button that shows a spinner and `pendingLabel` while its request runs, and stays disabled. */
export function SubmitButton({ pending, pendingLabel, disabled, children, ...props }: SubmitButtonProps) {
  return (
    <Button type="submit" disabled={pending || disabled} {...props}>
      {pending && <LoaderCircle aria-hidden="true" className="animate-spin" />}
      {pending ? pendingLabel : children}
    </Button>
  );
}
