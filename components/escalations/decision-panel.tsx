"use client";

import * as React from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { FormAlert } from "@/components/form-parts";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { api, ApiClientError } from "@/lib/client/api";
import { SCOPE_OPTIONS, type Scope } from "./ask";

const MIN_REASON = 3;
type Verb = "approve" | "deny";
type Errors = Partial<Record<"reason" | "password" | "scope", string>>;

export type DecisionPanelProps = {
  escalationId: string;
  /** Scopes this escalation may be approved with; none for intent changes and session openings. */
  scopes: Scope[];
  needsPassword: boolean;
  /** What an approval does, for the confirmation (e.g. "github:issues.write for triage-bot"). */
  subject: string;
  /**
   * After the server answered: refresh the page's view of the escalation. `recorded` says what
   * was recorded (the page shows it, since this panel goes once the viewer has voted), or null.
   */
  onDecided: (recorded: string | null) => void;
};

/**
 * A written reason, a scope and (for high risk) the password again, then Approve or Deny, each
 * confirmed. The server enforces every rule again (role, separation of duties, state); what it
 * refuses is shown here, next to the fields, with the dialog closed so they can be corrected.
 */
export function DecisionPanel({ escalationId, scopes, needsPassword, subject, onDecided }: DecisionPanelProps) {
  const [reason, setReason] = React.useState("");
  const [scope, setScope] = React.useState<Scope>(scopes.includes("once") ? "once" : (scopes[0] ?? "once"));
  const [password, setPassword] = React.useState("");
  const [errors, setErrors] = React.useState<Errors>({});
  const [failure, setFailure] = React.useState<string | null>(null);

  // Checked before the confirmation opens, so the dialog never confirms something the form lacks.
  function check(verb: Verb): boolean {
    const next: Errors = {};
    if (reason.trim().length < MIN_REASON) next.reason = `Say why, in a few words (at least ${MIN_REASON} characters)`;
    if (verb === "approve" && needsPassword && !password) next.password = "Re-enter your password to approve a high-risk escalation";
    setErrors(next);
    setFailure(null);
    return Object.keys(next).length === 0;
  }

  async function submit(verb: Verb) {
    const body = verb === "approve" ? { reason: reason.trim(), ...(scopes.length ? { scope } : {}), ...(needsPassword ? { password } : {}) } : { reason: reason.trim() };
    let recorded: string | null = null;
    try {
      await api(`/api/v1/escalations/${escalationId}/${verb}`, { body });
      setReason("");
      setPassword("");
      recorded = verb === "approve" ? "Your approval is recorded." : "Your denial is recorded.";
    } catch (err) {
      if (!(err instanceof ApiClientError)) {
        setFailure("The decision could not be sent. Check your connection and try again.");
        return;
      }
      const fields = err.fieldMap();
      setErrors({ reason: fields.reason, password: fields.password, scope: fields.scope });
      // Field problems sit by their fields; the rest (separation of duties, already decided,
      // wrong password, rate limit) is said once above the buttons.
      setFailure(Object.keys(fields).length ? null : err.message);
      if (err.code === "forbidden" && /password/i.test(err.message)) setPassword("");
    } finally {
      // A conflict means someone else got there first; either way the view should catch up.
      onDecided(recorded);
    }
  }

  const confirm = (verb: Verb) => {
    const approve = verb === "approve";
    return (
      <ConfirmDialog
        title={approve ? "Approve this escalation?" : "Deny this escalation?"}
        description={
          approve
            ? `${subject}${scopes.length ? ` — ${SCOPE_OPTIONS[scope].label.toLowerCase()}` : ""}. Your reason and vote are recorded in the audit trail.`
            : `${subject}. The agent is told no; your reason is recorded in the audit trail.`
        }
        confirmLabel={approve ? "Approve" : "Deny"}
        variant={approve ? "default" : "destructive"}
        requireReason={false}
        trigger={
          <Button
            type="button"
            variant={approve ? "default" : "destructive"}
            // preventDefault keeps the dialog shut (Radix skips its toggle) while the form is incomplete.
            onClick={(e) => {
              if (!check(verb)) e.preventDefault();
            }}
          >
            {approve ? "Approve" : "Deny"}
          </Button>
        }
        onConfirm={() => submit(verb)}
      />
    );
  };

  return (
    <form className="grid gap-4" onSubmit={(e) => e.preventDefault()} aria-label="Decide this escalation" noValidate>
      <FormField name="reason" label="Reason" required error={errors.reason} description="Recorded with your vote in the audit trail.">
        <Textarea value={reason} onChange={(e) => setReason(e.target.value)} minLength={MIN_REASON} maxLength={2000} rows={3} />
      </FormField>

      {scopes.length ? (
        <fieldset className="grid gap-2" aria-describedby={errors.scope ? "scope-error" : undefined}>
          <legend className="mb-1 text-sm font-medium">If approved, allow</legend>
          {scopes.map((s) => (
            <div key={s} className="flex items-start gap-2">
              <input
                type="radio"
                id={`scope-${s}`}
                name="scope"
                value={s}
                checked={scope === s}
                onChange={() => setScope(s)}
                aria-describedby={`scope-${s}-hint`}
                className="mt-0.5 size-4 accent-primary"
              />
              <div className="grid gap-0.5">
                <label htmlFor={`scope-${s}`} className="text-sm leading-tight">
                  {SCOPE_OPTIONS[s].label}
                </label>
                <p id={`scope-${s}-hint`} className="text-xs text-muted-foreground">
                  {SCOPE_OPTIONS[s].hint}
                </p>
              </div>
            </div>
          ))}
          {errors.scope ? (
            <p id="scope-error" className="text-xs font-medium text-destructive">
              {errors.scope}
            </p>
          ) : null}
        </fieldset>
      ) : null}

      {needsPassword ? (
        <FormField name="password" label="Password" error={errors.password} description="Re-enter your password to approve a high-risk escalation">
          <Input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </FormField>
      ) : null}

      <FormAlert message={failure} />

      <div className="flex gap-2">
        {confirm("approve")}
        {confirm("deny")}
      </div>
    </form>
  );
}
