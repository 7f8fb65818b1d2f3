"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormActions, FormError } from "@/components/form-parts";
import { OwnerField } from "@/components/owner-field";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";

export type AgentFormValues = {
  name: string;
  identityKind: "spiffe" | "oidc" | "key";
  identity: string;
  team: string;
  ownerId: string | null;
  purpose: string;
  riskTier: "low" | "medium" | "high";
  envelope: {
    actions: string[];
    resources?: string[];
    maxSensitivity: "public" | "internal" | "confidential" | "restricted";
    destinations?: string[];
    maxTtlSeconds: number;
  };
};

const lines = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/** Register (no agentId) or edit an agent. Field errors from the API land next to their field. */
export function AgentForm({ agentId, initial, owners }: { agentId?: string; initial?: AgentFormValues; owners: { id: string; name: string }[] }) {
  const router = useRouter();
  const { pending, fields: errors, error, submit } = useApiForm({ fallback: "Could not save the agent." });
  const [identityKind, setIdentityKind] = useState(initial?.identityKind ?? "spiffe");

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "");
    const envelope = {
      actions: lines(get("envelope.actions")),
      resources: lines(get("envelope.resources")),
      destinations: lines(get("envelope.destinations")),
      maxSensitivity: get("envelope.maxSensitivity"),
      maxTtlSeconds: Number(get("envelope.maxTtlSeconds")),
    };
    const body: Record<string, unknown> = {
      name: get("name"),
      team: get("team"),
      ownerId: get("ownerId") || null,
      purpose: get("purpose"),
      riskTier: get("riskTier"),
      envelope,
    };
    if (!agentId) {
      body.identityKind = identityKind;
      if (identityKind !== "key") body.identity = get("identity");
    }
    await submit(
      async () => {
        const saved = await api<{ id: string }>(agentId ? `/api/v1/agents/${agentId}` : "/api/v1/agents", {
          method: agentId ? "PATCH" : "POST",
          body,
        });
        router.push(`/agents/${saved.id}`);
        router.refresh();
      },
      { keepPending: true },
    );
  }

  const env = initial?.envelope;
  return (
    <form onSubmit={onSubmit} className="grid max-w-3xl gap-4" noValidate>
      <FormError message={error} />
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField name="name" label="Name" required error={errors.name} description="Lower-case slug, unique, e.g. support-triage-bot">
          <Input defaultValue={initial?.name} autoComplete="off" />
        </FormField>
        <FormField name="team" label="Team" required error={errors.team}>
          <Input defaultValue={initial?.team} />
        </FormField>
      </div>
      {!agentId ? (
        <div className="grid gap-4 sm:grid-cols-[12rem_1fr]">
          <FormField name="identityKind" label="Identity kind" error={errors.identityKind}>
            <NativeSelect value={identityKind} onChange={(e) => setIdentityKind(e.target.value as AgentFormValues["identityKind"])}>
              <option value="spiffe">SPIFFE ID</option>
              <option value="oidc">OIDC subject</option>
              <option value="key">Bootstrap key only</option>
            </NativeSelect>
          </FormField>
          {identityKind !== "key" ? (
            <FormField
              name="identity"
              label={identityKind === "spiffe" ? "SPIFFE ID" : "OIDC subject"}
              required
              error={errors.identity}
              description={identityKind === "spiffe" ? "spiffe://trust-domain/path" : "The sub claim of the agent's tokens"}
            >
              <Input className="font-mono" defaultValue={initial?.identity} autoComplete="off" />
            </FormField>
          ) : null}
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">
          Identity: <span className="font-mono">{initial?.identity}</span> (fixed once registered)
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <OwnerField owners={owners} defaultValue={initial?.ownerId} error={errors.ownerId} />
        <FormField name="riskTier" label="Risk tier" required error={errors.riskTier}>
          <NativeSelect defaultValue={initial?.riskTier ?? "medium"}>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </NativeSelect>
        </FormField>
      </div>
      <FormField name="purpose" label="Purpose" error={errors.purpose}>
        <Textarea rows={2} defaultValue={initial?.purpose} />
      </FormField>
      <fieldset className="grid gap-4 rounded-md border p-4">
        <legend className="px-1 text-sm font-medium">Baseline envelope — the most this agent may ever be allowed</legend>
        <FormField
          name="envelope.actions"
          label="Action patterns"
          required
          error={errors["envelope.actions"] ?? Object.entries(errors).find(([k]) => k.startsWith("envelope.actions."))?.[1]}
          description="One per line: connector:tool.operation, * allowed (github:issues.*, crm:contacts.read)"
        >
          <Textarea rows={4} className="font-mono text-xs" defaultValue={env?.actions.join("\n")} />
        </FormField>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField name="envelope.resources" label="Resources" error={errors["envelope.resources"]} description="One per line (optional)">
            <Textarea rows={3} className="font-mono text-xs" defaultValue={env?.resources?.join("\n")} />
          </FormField>
          <FormField name="envelope.destinations" label="Destinations" error={errors["envelope.destinations"]} description="One per line, e.g. internal:*, email:*@acme.example">
            <Textarea rows={3} className="font-mono text-xs" defaultValue={env?.destinations?.join("\n")} />
          </FormField>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField name="envelope.maxSensitivity" label="Highest data sensitivity" required error={errors["envelope.maxSensitivity"]}>
            <NativeSelect defaultValue={env?.maxSensitivity ?? "internal"}>
              <option value="public">Public</option>
              <option value="internal">Internal</option>
              <option value="confidential">Confidential</option>
              <option value="restricted">Restricted</option>
            </NativeSelect>
          </FormField>
          <FormField name="envelope.maxTtlSeconds" label="Longest session (seconds)" required error={errors["envelope.maxTtlSeconds"]}>
            <Input type="number" min={60} max={604800} defaultValue={env?.maxTtlSeconds ?? 3600} />
          </FormField>
        </div>
      </fieldset>
      <FormActions pending={pending} label={agentId ? "Save changes" : "Register agent"} />
    </form>
  );
}
