"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { FormAlert, SubmitButton } from "@/components/form-parts";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { api, ApiClientError } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import { summarizeDiff } from "@/lib/domain/policies/line-diff";
import { CedarEditor, problemsFromError, type Checked, type Problem } from "../cedar-editor";
import { DiffCounts, DiffView } from "../code-view";
import { ChangeWarnings } from "../[id]/policy-actions";

type Active = { version: number; cedar: string } | null;
type SchemaCheck = Checked & { blocking: string[]; notes: string[] };
type Saved = { version: { version: number; active: boolean }; warnings: string[] };

/** Messages of a refusal that are not positions in this text: policies that would break, namespaces in use. */
const otherProblems = (err: unknown) => (err instanceof ApiClientError ? err.fields.filter((f) => f.path !== "cedar" || !/^line \d+, column \d+: /.test(f.message)).map((f) => f.message) : []);

/**
 * Admins edit the next schema version here: "Validate" shows problems at line and column and
 * what activation would refuse; the diff shows the change against the version in force; saving
 * keeps a draft, and "Save and activate" puts it in force after a reason is given.
 */
export function SchemaEditor({ active, value, onChange }: { active: Active; value: string; onChange: (next: string) => void }) {
  const router = useRouter();
  const [comment, setComment] = React.useState("");
  const [problems, setProblems] = React.useState<Problem[]>([]);
  const [blocking, setBlocking] = React.useState<string[]>([]);
  const [notes, setNotes] = React.useState<string[]>([]);
  const [saved, setSaved] = React.useState<Saved | null>(null);
  const { pending, fields, error, submit } = useApiForm({ fallback: "Could not save the schema." });
  const changed = value !== (active?.cedar ?? "");
  const diff = summarizeDiff(active?.cedar ?? "", value);

  function edit(next: string) {
    setProblems([]);
    setBlocking([]);
    setNotes([]);
    onChange(next);
  }

  async function check(text: string): Promise<Checked> {
    const out = await api<SchemaCheck>("/api/v1/authz/schema/validate", { body: { cedar: text } });
    setBlocking(out.blocking);
    setNotes(out.notes);
    return out;
  }

  async function save(activate: boolean, reason?: string) {
    setProblems([]);
    setBlocking([]);
    setSaved(null);
    try {
      const out = await api<Saved>("/api/v1/authz/schema", { body: { cedar: value, comment, activate, ...(activate ? { reason } : {}) } });
      setSaved(out);
      setNotes([]);
      setComment("");
      router.refresh();
    } catch (err) {
      setProblems(problemsFromError(err));
      setBlocking(otherProblems(err));
      throw err;
    }
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    await submit(() => save(false));
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Edit the schema</CardTitle>
        <CardDescription>
          Cedar schema syntax, one or more <code className="font-mono">namespace Name {"{ … }"}</code> blocks. Saving keeps a draft version; activating
          checks every general policy against it first.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form id="schema-form" onSubmit={onSubmit} className="grid gap-4" noValidate>
          {saved ? (
            <Alert variant="success">
              <AlertDescription>
                {saved.version.active ? `v${saved.version.version} is in force.` : `Saved as v${saved.version.version}, not in force: activate it from the history below.`}
              </AlertDescription>
            </Alert>
          ) : null}
          <ChangeWarnings warnings={saved?.warnings ?? []} />
          <div className="grid gap-1.5">
            <label htmlFor="schema-cedar" className="text-sm font-medium">
              Schema
            </label>
            <CedarEditor
              id="schema-cedar"
              value={value}
              onChange={edit}
              problems={problems}
              disabled={pending}
              check={check}
              validLabel="Valid: every general policy still validates against it"
            />
          </div>
          {blocking.length > 0 ? (
            <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 p-2 text-sm text-destructive">
              <p className="font-medium">Activation would be refused:</p>
              <ul className="list-disc pl-5">
                {blocking.map((b) => (
                  <li key={b}>{b}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <ChangeWarnings warnings={notes} />
          <section aria-labelledby="schema-diff-title" className="grid gap-2">
            <h3 id="schema-diff-title" className="text-sm font-medium">
              {active ? `Changes against v${active.version} (in force)` : "Changes against no schema"}
              {changed ? (
                <span className="ml-2 text-xs font-normal tabular-nums">
                  <DiffCounts diff={diff} />
                </span>
              ) : null}
            </h3>
            {changed ? (
              <DiffView before={active?.cedar ?? ""} after={value} label={active ? `Line diff from v${active.version} to the edited text` : "Line diff of the edited text"} />
            ) : (
              <p className="text-sm text-muted-foreground">No changes yet.</p>
            )}
          </section>
          <FormField name="comment" label="Comment" error={fields.comment} description="What changed and why; shown in the history and the audit trail.">
            <Input value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1000} disabled={pending} />
          </FormField>
          <FormAlert message={problems.length || blocking.length ? undefined : error} />
        </form>
        {/* Outside the form: the dialog's own form would otherwise bubble its submit (through the
            React tree, portal or not) into this one and save a draft as well. */}
        <div className="mt-4 flex flex-wrap gap-2">
          <SubmitButton form="schema-form" variant="outline" pending={pending} pendingLabel="Saving…" disabled={!changed}>
            Save as draft
          </SubmitButton>
          <ConfirmDialog
            title="Activate this schema?"
            description={
              <>
                It replaces {active ? `v${active.version}` : "no schema"} at once ({`+${diff.added} −${diff.removed}`} lines). It is refused if a general
                policy would no longer validate, or a removed namespace still holds policies. Review the diff first.
              </>
            }
            confirmLabel="Save and activate"
            variant="default"
            trigger={
              <Button type="button" disabled={!changed || pending}>
                Save and activate…
              </Button>
            }
            onConfirm={async (reason) => {
              try {
                await save(true, reason);
              } catch (err) {
                // The dialog shows why; positions are listed under the editor as well.
                const other = otherProblems(err);
                throw new Error(other.length ? other.join(" ") : err instanceof Error ? err.message : "The schema could not be activated.");
              }
            }}
          />
        </div>
      </CardContent>
    </Card>
  );
}
