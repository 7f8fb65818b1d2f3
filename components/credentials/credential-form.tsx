"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useDeferredValue, useState } from "react";
import { FormActions, FormError } from "@/components/form-parts";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { api, qs } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import { CREDENTIAL_KIND_LABELS, STANDING_KINDS } from "@/lib/domain/credentials/constants";

type AgentOption = { id: string; name: string; team: string };

const lines = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/** datetime-local gives local wall time without a zone; send it as an absolute instant. */
const toIso = (v: string) => (v ? new Date(v).toISOString() : null);

/**
 * Records a standing secret an agent holds elsewhere. Nothing secret is entered: at most the
 * first few characters, to recognise it by.
 */
export function CredentialForm({
  agents: initialAgents,
  initialAgentId,
  connectors,
}: {
  agents: AgentOption[];
  initialAgentId?: string;
  connectors: { id: string; name: string; displayName: string }[];
}) {
  const router = useRouter();
  const { pending, fields: errors, error, submit } = useApiForm({ fallback: "Could not record the credential." });
  const [search, setSearch] = useState("");
  const [chosen, setChosen] = useState<AgentOption | undefined>(() => initialAgents.find((a) => a.id === initialAgentId));
  const deferred = useDeferredValue(search.trim());

  // The agent list can be large: search it on the server, keep the chosen one in the options.
  const found = useQuery({
    queryKey: ["agents", "picker", deferred],
    queryFn: ({ signal }) =>
      api<{ items: AgentOption[] }>(`/api/v1/agents${qs({ q: deferred, pageSize: 50, sort: "name", status: "active" })}`, { signal }),
    enabled: deferred.length > 0,
  });
  const options = deferred ? (found.data?.items ?? []) : initialAgents;
  const shown = chosen && !options.some((o) => o.id === chosen.id) ? [chosen, ...options] : options;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    const body = {
      kind: get("kind"),
      name: get("name"),
      agentId: chosen?.id ?? "",
      connectorId: get("connectorId") || null,
      prefix: get("prefix") || null,
      scope: { operations: lines(get("scope.operations")), resources: lines(get("scope.resources")) },
      issuedAt: toIso(get("issuedAt")),
      expiresAt: toIso(get("expiresAt")),
    };
    await submit(
      async () => {
        const saved = await api<{ id: string }>("/api/v1/credentials", { body });
        router.push(`/credentials/${saved.id}`);
        router.refresh();
      },
      { keepPending: true },
    );
  }

  const firstUnder = (prefix: string) => errors[prefix] ?? Object.entries(errors).find(([k]) => k.startsWith(`${prefix}.`))?.[1];

  return (
    <form onSubmit={onSubmit} className="grid max-w-3xl gap-4" noValidate>
      <FormError message={error} />
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField name="name" label="Name" required error={errors.name} description="What it is, e.g. GitHub PAT in the CI runner">
          <Input autoComplete="off" autoFocus />
        </FormField>
        <FormField name="kind" label="Kind" required error={errors.kind}>
          <NativeSelect defaultValue="api_key">
            {STANDING_KINDS.map((k) => (
              <option key={k} value={k}>
                {CREDENTIAL_KIND_LABELS[k]}
              </option>
            ))}
          </NativeSelect>
        </FormField>
      </div>
      <fieldset className="grid gap-2 sm:grid-cols-2 sm:gap-4">
        <legend className="sr-only">Agent holding it</legend>
        <FormField name="agentSearch" label="Find agent" description="Type to search by name, identity or team">
          <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" spellCheck={false} />
        </FormField>
        <FormField name="agentId" label="Agent holding it" required error={errors.agentId}>
          <NativeSelect value={chosen?.id ?? ""} onChange={(e) => setChosen(shown.find((a) => a.id === e.target.value))}>
            <option value="">{found.isFetching ? "Searching…" : shown.length ? "Choose an agent" : "No agent matches"}</option>
            {shown.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} — {a.team}
              </option>
            ))}
          </NativeSelect>
        </FormField>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField name="connectorId" label="Connector it grants access to" error={errors.connectorId}>
          <NativeSelect defaultValue="">
            <option value="">Not tied to a registered connector</option>
            {connectors.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.displayName})
              </option>
            ))}
          </NativeSelect>
        </FormField>
        <FormField
          name="prefix"
          label="Visible prefix"
          error={errors.prefix}
          description="Optional: the first few characters (at most 12) to recognise it by. Never the whole secret."
        >
          <Input className="font-mono" maxLength={12} autoComplete="off" spellCheck={false} />
        </FormField>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          name="scope.operations"
          label="Operations it allows"
          error={firstUnder("scope.operations")}
          description="One action pattern per line, e.g. github:repo.* or github:issues.read"
        >
          <Textarea rows={3} className="font-mono text-xs" spellCheck={false} />
        </FormField>
        <FormField name="scope.resources" label="Resources" error={firstUnder("scope.resources")} description="One per line (optional)">
          <Textarea rows={3} className="font-mono text-xs" spellCheck={false} />
        </FormField>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField name="issuedAt" label="Issued" error={errors.issuedAt} description="Your local time; blank = now">
          <Input type="datetime-local" />
        </FormField>
        <FormField name="expiresAt" label="Expires" error={errors.expiresAt} description="Blank = never expires (flagged as a standing secret)">
          <Input type="datetime-local" />
        </FormField>
      </div>
      <FormActions pending={pending} label="Record credential" pendingLabel="Recording…" />
    </form>
  );
}
