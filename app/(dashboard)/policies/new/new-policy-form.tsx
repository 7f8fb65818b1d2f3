"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { FormActions, FormError } from "@/components/form-parts";
import { Checkbox } from "@/components/ui/checkbox";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import { CedarEditor, problemsFromError, type Problem } from "../cedar-editor";

// A working example of the conventions: a forbid that escalates, with the message people see.
const STARTER = `// Evaluated on every tool call that passed the intent check. A matching forbid wins over
// any permit. @escalate("true") asks a person instead of denying; @reason is what agents
// and approvers are told. Names: agents by name, tools as "connector:tool".
@escalate("true")
@reason("a low-tier agent wants to change a GitHub repository")
forbid(
  principal,
  action in Warden::Action::"mutate",
  resource in Warden::Connector::"github"
)
when {
  principal.riskTier == "low" &&
  resource.name == "repo"
};
`;

// A general namespace has its own types and actions (the schema page lists them); start from the
// widest statement, which validates against any namespace, for the author to narrow.
const generalStarter = (ns: string) => `// Decides requests of namespace ${ns} only, never an agent's tool call. Name its types and
// actions in full, e.g. ${ns}::Action::"read". A matching forbid wins over any permit.
permit (
  principal,
  action,
  resource
);
`;

const starterFor = (ns: string) => (ns === "Warden" ? STARTER : generalStarter(ns));

export function NewPolicyForm({ namespaces, initialNamespace }: { namespaces: string[]; initialNamespace: string }) {
  const router = useRouter();
  const [namespace, setNamespace] = React.useState(initialNamespace);
  const [cedar, setCedar] = React.useState(() => starterFor(initialNamespace));
  const [problems, setProblems] = React.useState<Problem[]>([]);
  const { pending, fields, error, submit } = useApiForm({ fallback: "Could not create the policy." });

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    setProblems([]);
    await submit(
      async () => {
        try {
          const out = await api<{ policy: { id: string } }>("/api/v1/policies", {
            body: { name: get("name"), namespace, description: get("description"), onForbid: get("onForbid"), comment: get("comment"), enabled: f.get("enabled") === "on", cedar },
          });
          router.push(`/policies/${out.policy.id}`);
          router.refresh();
        } catch (err) {
          setProblems(problemsFromError(err));
          throw err;
        }
      },
      { keepPending: true },
    );
  }

  function changeNamespace(next: string) {
    // Keep what the author wrote; replace only an untouched starter.
    if (cedar === starterFor(namespace)) setCedar(starterFor(next));
    setNamespace(next);
    setProblems([]);
  }

  return (
    <form onSubmit={onSubmit} className="grid max-w-4xl gap-4" noValidate>
      <FormError message={problems.length ? undefined : error} />
      <FormField
        name="namespace"
        label="Namespace"
        error={fields.namespace}
        description="Warden policies decide agents' tool calls; a general namespace's policies decide its own requests only. Fixed once created."
      >
        <NativeSelect value={namespace} onChange={(e) => changeNamespace(e.target.value)} disabled={pending}>
          {namespaces.map((n) => (
            <option key={n} value={n}>
              {n === "Warden" ? "Warden (agents)" : n}
            </option>
          ))}
        </NativeSelect>
      </FormField>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField name="name" label="Name" required error={fields.name} description="Lower-case slug, fixed once created; decisions name the policy by it.">
          <Input className="font-mono" autoComplete="off" spellCheck={false} autoFocus disabled={pending} />
        </FormField>
        <FormField name="onForbid" label="When a forbid matches" error={fields.onForbid} description='Per statement, @escalate("true") or @escalate("false") overrides this.'>
          <NativeSelect defaultValue="deny" disabled={pending}>
            <option value="deny">Deny</option>
            <option value="escalate">Escalate to a person</option>
          </NativeSelect>
        </FormField>
      </div>
      <FormField name="description" label="Description" error={fields.description} description="First sentence reads as the title in the list.">
        <Textarea rows={2} maxLength={2000} disabled={pending} />
      </FormField>
      <div className="grid gap-1.5">
        <label htmlFor="policy-cedar" className="text-sm font-medium">
          Cedar<span aria-hidden="true" className="text-destructive">*</span>
        </label>
        <CedarEditor id="policy-cedar" value={cedar} onChange={setCedar} problems={problems} disabled={pending} namespace={namespace} />
      </div>
      <FormField name="comment" label="Comment" error={fields.comment} description="Why this policy exists; recorded with version 1 and in the audit trail.">
        <Input maxLength={1000} disabled={pending} />
      </FormField>
      <label className="flex items-center gap-2 text-sm">
        <Checkbox name="enabled" defaultChecked disabled={pending} />
        Enabled: in force as soon as it is created
      </label>
      <FormActions pending={pending} label="Create policy" pendingLabel="Creating…" />
    </form>
  );
}
