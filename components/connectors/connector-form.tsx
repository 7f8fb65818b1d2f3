"use client";

import { useRouter } from "next/navigation";
import { FormActions, FormError } from "@/components/form-parts";
import { OwnerField } from "@/components/owner-field";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import { CONNECTOR_KIND_LABELS, CONNECTOR_KINDS, SENSITIVITY_LEVELS } from "@/lib/domain/connectors/constants";
import { capitalize } from "@/lib/utils";

export type ConnectorFormValues = {
  name: string;
  displayName: string;
  kind: (typeof CONNECTOR_KINDS)[number];
  sensitivity: (typeof SENSITIVITY_LEVELS)[number];
  environment: string;
  ownerId: string | null;
  ownerTeam: string | null;
  endpoint: string | null;
  description: string;
  managed: boolean;
};

/**
 * Register (no connectorId), edit, or adopt (`adopt`: an unmanaged connector becomes managed in
 * the same request that sets its owner). Field errors from the API land next to their field.
 */
export function ConnectorForm({
  connectorId,
  initial,
  owners,
  adopt = false,
}: {
  connectorId?: string;
  initial?: ConnectorFormValues;
  owners: { id: string; name: string }[];
  adopt?: boolean;
}) {
  const router = useRouter();
  const { pending, fields: errors, error, submit, showFieldErrors } = useApiForm({ fallback: "Could not save the connector." });

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    const body: Record<string, unknown> = {
      displayName: get("displayName"),
      kind: get("kind"),
      sensitivity: get("sensitivity"),
      environment: get("environment"),
      ownerId: get("ownerId") || null,
      ownerTeam: get("ownerTeam") || null,
      endpoint: get("endpoint") || null,
      description: get("description"),
    };
    if (!connectorId) body.name = get("name");
    if (adopt) body.managed = true;
    // Write-only backend settings: blank leaves them as they are.
    const config = get("config");
    if (config) {
      try {
        const parsed = JSON.parse(config);
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error();
        body.config = parsed;
      } catch {
        showFieldErrors({ config: "enter a JSON object, e.g. {\"adminUrl\": \"…\"}" });
        return;
      }
    }
    await submit(
      async () => {
        const saved = await api<{ id: string }>(connectorId ? `/api/v1/connectors/${connectorId}` : "/api/v1/connectors", {
          method: connectorId ? "PATCH" : "POST",
          body,
        });
        router.push(`/connectors/${saved.id}`);
        router.refresh();
      },
      { keepPending: true },
    );
  }

  return (
    <form onSubmit={onSubmit} className="grid max-w-3xl gap-4" noValidate>
      <FormError message={error} />
      {adopt ? (
        <p className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
          This connector was first seen in a tool call and nobody registered it. Adopting it makes it managed: give it an owner, a
          sensitivity and its tools so agents are judged against what it really is.
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {connectorId ? (
          <div className="grid gap-1.5 text-sm">
            <span className="font-medium">Name</span>
            <span className="font-mono">{initial?.name}</span>
            <span className="text-xs text-muted-foreground">Fixed once registered: action patterns refer to it.</span>
          </div>
        ) : (
          <FormField
            name="name"
            label="Name"
            required
            error={errors.name}
            description="Lower-case slug used in action patterns, e.g. github in github:issues.read"
          >
            <Input className="font-mono" autoComplete="off" spellCheck={false} autoFocus />
          </FormField>
        )}
        <FormField name="displayName" label="Display name" required error={errors.displayName}>
          <Input defaultValue={initial?.displayName} autoFocus={Boolean(connectorId)} />
        </FormField>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <FormField name="kind" label="Kind" required error={errors.kind}>
          <NativeSelect defaultValue={initial?.kind ?? "saas_api"}>
            {CONNECTOR_KINDS.map((k) => (
              <option key={k} value={k}>
                {CONNECTOR_KIND_LABELS[k]}
              </option>
            ))}
          </NativeSelect>
        </FormField>
        <FormField name="sensitivity" label="Data sensitivity" required error={errors.sensitivity} description="The most sensitive data it holds">
          <NativeSelect defaultValue={initial?.sensitivity ?? "internal"}>
            {SENSITIVITY_LEVELS.map((s) => (
              <option key={s} value={s}>
                {capitalize(s)}
              </option>
            ))}
          </NativeSelect>
        </FormField>
        <FormField name="environment" label="Environment" required error={errors.environment}>
          <Input defaultValue={initial?.environment ?? "production"} />
        </FormField>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <OwnerField owners={owners} defaultValue={initial?.ownerId} error={errors.ownerId} />
        <FormField name="ownerTeam" label="Owning team" error={errors.ownerTeam}>
          <Input defaultValue={initial?.ownerTeam ?? ""} />
        </FormField>
      </div>
      <FormField name="endpoint" label="Endpoint" error={errors.endpoint} description="Where it lives, e.g. https://api.github.com">
        <Input className="font-mono" defaultValue={initial?.endpoint ?? ""} autoComplete="off" spellCheck={false} />
      </FormField>
      <FormField name="description" label="Description" error={errors.description}>
        <Textarea rows={2} defaultValue={initial?.description} />
      </FormField>
      <details className="rounded-md border p-3 text-sm">
        <summary className="cursor-pointer font-medium">Backend settings (write-only)</summary>
        <div className="mt-3">
          <FormField
            name="config"
            label="Settings as JSON"
            error={errors.config}
            description={
              connectorId
                ? "Used to issue just-in-time credentials. Never shown again once saved; leave blank to keep the current settings."
                : "Used to issue just-in-time credentials. Never shown again once saved."
            }
          >
            <Textarea rows={3} className="font-mono text-xs" autoComplete="off" spellCheck={false} placeholder='{"adminUrl": "…"}' />
          </FormField>
        </div>
      </details>
      <FormActions pending={pending} label={adopt ? "Adopt connector" : connectorId ? "Save changes" : "Register connector"} />
    </form>
  );
}
