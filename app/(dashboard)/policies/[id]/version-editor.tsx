"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { FormAlert, SubmitButton } from "@/components/form-parts";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import { CedarEditor, problemsFromError, type Problem } from "../cedar-editor";

type Version = { version: number; cedar: string; onForbid: string };

/** Admins write the next version here; saving never activates it. */
export function VersionEditor({
  policyId,
  namespace,
  versions,
  activeVersion,
}: {
  policyId: string;
  namespace: string;
  versions: Version[];
  activeVersion: number | null;
}) {
  const router = useRouter();
  const latest = versions[0];
  const [base, setBase] = React.useState(latest.version);
  const [cedar, setCedar] = React.useState(latest.cedar);
  const [onForbid, setOnForbid] = React.useState(latest.onForbid);
  const [comment, setComment] = React.useState("");
  const [problems, setProblems] = React.useState<Problem[]>([]);
  const [saved, setSaved] = React.useState<number | null>(null);
  const { pending, fields, error, submit } = useApiForm({ fallback: "Could not save the version." });

  function startFrom(n: number) {
    const v = versions.find((x) => x.version === n);
    if (!v) return;
    setBase(n);
    setCedar(v.cedar);
    setOnForbid(v.onForbid);
    setProblems([]);
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setProblems([]);
    setSaved(null);
    await submit(async () => {
      try {
        const out = await api<{ version: { version: number } }>(`/api/v1/policies/${policyId}/versions`, { body: { cedar, onForbid, comment } });
        setSaved(out.version.version);
        setBase(out.version.version);
        setComment("");
        router.refresh();
      } catch (err) {
        setProblems(problemsFromError(err));
        throw err;
      }
    });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Write a new version</CardTitle>
        <CardDescription>
          Saved as the next version and checked against the schema and the rest of the active set. It is not in force until you activate it
          from the history above.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} className="grid gap-4" noValidate>
          {saved ? (
            <Alert variant="success">
              <AlertDescription>
                Saved as v{saved}. {saved === activeVersion ? "" : "It is not active yet: review its diff and activate it from the history."}
              </AlertDescription>
            </Alert>
          ) : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField name="base" label="Start from" description="Loading a version replaces the text below.">
              <NativeSelect value={base} onChange={(e) => startFrom(Number(e.target.value))}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                    {v.version === activeVersion ? " (active)" : ""}
                  </option>
                ))}
              </NativeSelect>
            </FormField>
            <FormField name="onForbid" label="When a forbid matches" error={fields.onForbid} description='Per statement, @escalate("true") or @escalate("false") overrides this.'>
              <NativeSelect value={onForbid} onChange={(e) => setOnForbid(e.target.value)}>
                <option value="deny">Deny</option>
                <option value="escalate">Escalate to a person</option>
              </NativeSelect>
            </FormField>
          </div>
          <div className="grid gap-1.5">
            <label htmlFor="policy-cedar" className="text-sm font-medium">
              Cedar
            </label>
            <CedarEditor id="policy-cedar" value={cedar} onChange={setCedar} problems={problems} disabled={pending} namespace={namespace} />
          </div>
          <FormField name="comment" label="Comment" error={fields.comment} description="What changed and why; shown in the history and the audit trail.">
            <Input value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1000} disabled={pending} />
          </FormField>
          {/* Positions are listed by the editor; other refusals (e.g. nothing changed) show here. */}
          <FormAlert message={problems.length ? undefined : error} />
          <div>
            <SubmitButton pending={pending} pendingLabel="Saving…">
              Save as new version
            </SubmitButton>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
