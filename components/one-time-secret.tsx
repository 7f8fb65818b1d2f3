"use client";

import * as React from "react";
import { Check, Copy } from "lucide-react";

import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";

export type OneTimeSecretProps = {
  /** The plaintext; Warden keeps only its hash, so this is the one time anyone sees it. */
  secret: string;
  /** Accessible name of the copy button, e.g. "Copy token". */
  copyLabel?: string;
  /** What to do if it is lost; shown under an "It will not be shown again" warning. */
  note?: React.ReactNode;
  /** Earlier test id of the secret, kept on an inner element so existing selectors still match. */
  legacyTestId?: string;
  /** Extra help under the secret, e.g. a command that uses it. */
  children?: React.ReactNode;
  /** The caller must forget the secret here: closing is the end of it. */
  onDone: () => void;
};

/** A secret shown exactly once (API token, one-time password, agent key) with Copy and Done, for a dialog. */
export function OneTimeSecret({ secret, copyLabel = "Copy", note, legacyTestId, children, onDone }: OneTimeSecretProps) {
  // Remembers which secret was copied, so a new secret never starts out as "Copied".
  const [copied, setCopied] = React.useState<string | null>(null);
  const isCopied = copied === secret;
  return (
    <>
      {note ? (
        <Alert variant="warning">
          <AlertTitle>It will not be shown again</AlertTitle>
          <AlertDescription>{note}</AlertDescription>
        </Alert>
      ) : null}
      <code data-testid="issued-secret" className="block rounded-md border bg-muted px-3 py-2 font-mono text-sm break-all select-all">
        {legacyTestId ? <span data-testid={legacyTestId}>{secret}</span> : secret}
      </code>
      {children}
      <DialogFooter>
        <Button
          variant="outline"
          onClick={async () => {
            // Says "Copied" only when the clipboard took it (it is absent outside secure contexts).
            await navigator.clipboard?.writeText(secret).then(() => setCopied(secret)).catch(() => {});
          }}
        >
          {isCopied ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
          <span aria-live="polite">{isCopied ? "Copied" : copyLabel}</span>
        </Button>
        <Button onClick={onDone}>Done</Button>
      </DialogFooter>
    </>
  );
}
