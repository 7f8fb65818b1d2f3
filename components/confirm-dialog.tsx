"use client";

import * as React from "react";

import { FormAlert, SubmitButton } from "@/components/form-parts";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { FormField } from "@/components/ui/form-field";
import { Textarea } from "@/components/ui/textarea";

const MIN_REASON = 3;

export type ConfirmDialogProps = {
  title: React.ReactNode;
  description?: React.ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  /** A single focusable element (usually a Button); it opens the dialog. */
  trigger: React.ReactNode;
  /** Ask for a written reason (recorded in the audit trail). Default true. */
  requireReason?: boolean;
  /** "destructive" (default) for revoke/quarantine/deny; "default" for non-destructive confirmations. */
  variant?: "destructive" | "default";
  /** Reject (throw) with a user-facing message to keep the dialog open and show it. */
  onConfirm: (reason: string) => Promise<void>;
};

/**
 * Confirmation for irreversible actions. The dialog stays open (and cannot be dismissed) while the
 * action runs, shows the failure inline instead of closing on error, and closes only on success.
 */
export function ConfirmDialog({
  title,
  description,
  confirmLabel = "Confirm",
  cancelLabel = "Cancel",
  trigger,
  requireReason = true,
  variant = "destructive",
  onConfirm,
}: ConfirmDialogProps) {
  const [open, setOpen] = React.useState(false);
  const [reason, setReason] = React.useState("");
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const reasonRef = React.useRef<HTMLTextAreaElement>(null);

  const reasonValid = !requireReason || reason.trim().length >= MIN_REASON;

  function handleOpenChange(next: boolean) {
    if (pending) return; // never drop an in-flight action by closing its dialog
    setOpen(next);
    if (next) {
      setReason("");
      setError(null);
    }
  }

  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reasonValid || pending) return;
    setPending(true);
    setError(null);
    try {
      await onConfirm(requireReason ? reason.trim() : "");
      setOpen(false);
    } catch (err) {
      setError(err instanceof Error && err.message ? err.message : "The action failed. Try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <AlertDialog open={open} onOpenChange={handleOpenChange}>
      <AlertDialogTrigger asChild>{trigger}</AlertDialogTrigger>
      <AlertDialogContent
        onEscapeKeyDown={(e) => pending && e.preventDefault()}
        onOpenAutoFocus={(e) => {
          // Start in the reason box when one is needed; otherwise Radix focuses Cancel (the safe default).
          if (requireReason) {
            e.preventDefault();
            reasonRef.current?.focus();
          }
        }}
      >
        <form onSubmit={handleSubmit} className="grid gap-4" aria-busy={pending || undefined}>
          <AlertDialogHeader>
            <AlertDialogTitle>{title}</AlertDialogTitle>
            {description ? (
              <AlertDialogDescription>{description}</AlertDialogDescription>
            ) : (
              // Radix warns without a description; keep one for screen readers.
              <AlertDialogDescription className="sr-only">Confirm this action.</AlertDialogDescription>
            )}
          </AlertDialogHeader>

          {requireReason && (
            <FormField
              name="reason"
              id="confirm-reason"
              label="Reason"
              required
              description={`At least ${MIN_REASON} characters. Recorded in the audit trail.`}
            >
              <Textarea
                ref={reasonRef}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                disabled={pending}
                minLength={MIN_REASON}
                maxLength={1000}
                rows={3}
              />
            </FormField>
          )}

          <FormAlert message={error} />

          <AlertDialogFooter>
            <AlertDialogCancel disabled={pending}>{cancelLabel}</AlertDialogCancel>
            {/* A plain submit button: AlertDialog.Action would close the dialog before the promise settles. */}
            <SubmitButton variant={variant} pending={pending} pendingLabel={`${confirmLabel}…`} disabled={!reasonValid}>
              {confirmLabel}
            </SubmitButton>
          </AlertDialogFooter>
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}
