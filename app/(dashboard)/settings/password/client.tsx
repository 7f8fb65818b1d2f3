"use client";

import * as React from "react";
import { signOut } from "next-auth/react";
import { FormAlert, SubmitButton } from "@/components/form-parts";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Card, CardContent } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";

export function PasswordClient({ email, mustChange, minLength }: { email: string; mustChange: boolean; minLength: number }) {
  const [done, setDone] = React.useState(false);
  const { pending, fields, error, submit, showFieldErrors } = useApiForm({
    fallback: "The password could not be changed. Try again.",
    fieldsReplaceMessage: true,
  });

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (pending || done) return;
    const f = new FormData(e.currentTarget);
    const currentPassword = String(f.get("currentPassword") ?? "");
    const newPassword = String(f.get("newPassword") ?? "");
    const confirm = String(f.get("confirmPassword") ?? "");
    // Checked here too so a typo never reaches the server (the server checks length itself).
    const local: Record<string, string> = {};
    if (!currentPassword) local.currentPassword = "required";
    if (newPassword.length < minLength) local.newPassword = `use at least ${minLength} characters`;
    if (newPassword !== confirm) local.confirmPassword = "does not match the new password";
    if (Object.keys(local).length) {
      showFieldErrors(local);
      return;
    }
    await submit(
      async () => {
        await api("/api/v1/me/password", { body: { currentPassword, newPassword } });
        setDone(true);
        // Our session's epoch is now stale: sign out cleanly and come back with the new password.
        await signOut({ callbackUrl: "/sign-in" });
      },
      { keepPending: true },
    );
  }

  return (
    <Card className="max-w-md">
      <CardContent className="pt-4">
        {mustChange && !done && (
          <Alert variant="warning" className="mb-4">
            <AlertTitle>Choose your own password</AlertTitle>
            <AlertDescription>You signed in with a one-time password. Replace it before you continue.</AlertDescription>
          </Alert>
        )}
        {done ? (
          <Alert variant="success">
            <AlertTitle>Password changed</AlertTitle>
            <AlertDescription>Signing you out… sign in again with your new password.</AlertDescription>
          </Alert>
        ) : (
          <form onSubmit={onSubmit} className="grid gap-3" aria-busy={pending || undefined} noValidate>
            {/* Lets password managers file the new password under the right account. */}
            <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
            <FormField name="currentPassword" label="Current password" required error={fields.currentPassword}>
              <Input type="password" autoComplete="current-password" maxLength={256} disabled={pending} autoFocus />
            </FormField>
            <FormField name="newPassword" label="New password" required error={fields.newPassword} description={`At least ${minLength} characters. A passphrase of several words works well.`}>
              <Input type="password" autoComplete="new-password" minLength={minLength} maxLength={256} disabled={pending} />
            </FormField>
            <FormField name="confirmPassword" label="Repeat new password" required error={fields.confirmPassword}>
              <Input type="password" autoComplete="new-password" maxLength={256} disabled={pending} />
            </FormField>
            <FormAlert message={error} />
            <div>
              <SubmitButton pending={pending} pendingLabel="Changing…">
                Change password
              </SubmitButton>
            </div>
          </form>
        )}
      </CardContent>
    </Card>
  );
}
