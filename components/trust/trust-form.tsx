"use client";

import * as React from "react";
import { useQuery } from "@tanstack/react-query";
import { FormAlert, SubmitButton } from "@/components/form-parts";
import { ErrorState } from "@/components/data-table/error-state";
import { Badge } from "@/components/ui/badge";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import type { TrustDetail } from "@/lib/domain/trust/schemas";
import { inspectJwksText, type KeySummary } from "@/lib/domain/trust/key-summary";

/** Server-side facts the form needs: Warden's audience and the algorithms it will ever accept. */
export type TrustFormOptions = { defaultAudience: string; algorithms: string[]; defaultAlgorithms: string[] };

type Kind = "spiffe" | "oidc";
type Source = "inline" | "url";

/** Add (no `id`) or edit a trust config in a dialog. Editing loads the config, keys included, when the dialog opens. */
export function TrustFormDialog({
  id,
  name,
  trigger,
  options,
  onSaved,
}: {
  id?: string;
  /** Shown in the edit dialog's title. */
  name?: string;
  trigger: React.ReactNode;
  options: TrustFormOptions;
  onSaved: () => void;
}) {
  const [open, setOpen] = React.useState(false);
  const [busy, setBusy] = React.useState(false);
  const saved = () => {
    setBusy(false); // the form unmounts with the dialog and cannot report it any more
    setOpen(false);
    onSaved();
  };
  return (
    <Dialog open={open} onOpenChange={(next) => (next || !busy) && setOpen(next)}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>{id ? `Edit ${name ?? "trust config"}` : "Add a trust config"}</DialogTitle>
          <DialogDescription>
            Which issuer or SPIFFE trust domain may vouch for agents, and the public keys its tokens are checked against.
          </DialogDescription>
        </DialogHeader>
        {id ? <EditBody id={id} options={options} onBusy={setBusy} onSaved={saved} /> : <TrustForm options={options} onBusy={setBusy} onSaved={saved} />}
      </DialogContent>
    </Dialog>
  );
}

type BodyProps = { options: TrustFormOptions; onBusy: (busy: boolean) => void; onSaved: () => void };

// Mounted only while the dialog is open, so every opening loads the config as it is now; no
// background refetch, which would reset a half-edited form.
function EditBody({ id, ...props }: BodyProps & { id: string }) {
  const detail = useQuery({
    queryKey: ["trust-config", id],
    queryFn: ({ signal }) => api<TrustDetail>(`/api/v1/trust-configs/${id}`, { signal }),
    refetchOnWindowFocus: false,
    gcTime: 0,
  });
  if (detail.isError) return <ErrorState message="The trust config could not be loaded." onRetry={() => detail.refetch()} />;
  if (!detail.data || !detail.isFetchedAfterMount) {
    return (
      <div className="grid gap-3" aria-busy="true">
        <Skeleton className="h-8" />
        <Skeleton className="h-8" />
        <Skeleton className="h-32" />
      </div>
    );
  }
  return <TrustForm initial={detail.data} {...props} />;
}

function TrustForm({ initial, options, onBusy, onSaved }: BodyProps & { initial?: TrustDetail }) {
  const { pending, fields, error, submit, showFieldErrors } = useApiForm({ fallback: "The trust config could not be saved. Try again." });
  const [kind, setKind] = React.useState<Kind>(initial?.kind ?? "spiffe");
  const [source, setSource] = React.useState<Source>(initial?.jwksUrl ? "url" : "inline");
  const [jwksText, setJwksText] = React.useState(initial?.jwks ? JSON.stringify(initial.jwks, null, 2) : "");
  const [algs, setAlgs] = React.useState<Set<string>>(new Set(initial?.algorithms ?? options.defaultAlgorithms));
  const [enabled, setEnabled] = React.useState(true);
  const inspected = React.useMemo(() => inspectJwksText(jwksText), [jwksText]);
  React.useEffect(() => onBusy(pending), [pending, onBusy]);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    if (source === "inline" && (inspected.problem || inspected.value === null)) {
      showFieldErrors({ jwks: inspected.problem ?? "paste the JWK set with the public keys" });
      return;
    }
    const body: Record<string, unknown> = {
      name: get("name"),
      kind,
      trustDomain: kind === "spiffe" ? get("trustDomain") : null,
      issuer: kind === "oidc" ? get("issuer") : null,
      jwks: source === "inline" ? inspected.value : null,
      jwksUrl: source === "url" ? get("jwksUrl") : null,
      audience: get("audience") || options.defaultAudience,
      algorithms: options.algorithms.filter((a) => algs.has(a)),
    };
    if (!initial) body.enabled = enabled;
    await submit(async () => {
      await api(initial ? `/api/v1/trust-configs/${initial.id}` : "/api/v1/trust-configs", { method: initial ? "PATCH" : "POST", body });
      onSaved();
    });
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-4" aria-busy={pending || undefined} noValidate>
      <div className="grid gap-4 sm:grid-cols-[1fr_11rem]">
        <FormField name="name" label="Name" required error={fields.name} description="Lower-case slug, unique, e.g. prod-spire">
          <Input defaultValue={initial?.name} autoComplete="off" spellCheck={false} maxLength={63} disabled={pending} />
        </FormField>
        <FormField name="kind" label="Kind" required error={fields.kind}>
          <NativeSelect value={kind} onChange={(e) => setKind(e.target.value as Kind)} disabled={pending}>
            <option value="spiffe">SPIFFE (JWT-SVID)</option>
            <option value="oidc">OIDC issuer</option>
          </NativeSelect>
        </FormField>
      </div>
      {kind === "spiffe" ? (
        <FormField
          name="trustDomain"
          label="Trust domain"
          required
          error={fields.trustDomain}
          description="Tokens whose sub is spiffe://<this domain>/… are checked against this config."
        >
          <Input className="font-mono" defaultValue={initial?.trustDomain ?? ""} placeholder="prod.acme.internal" autoComplete="off" spellCheck={false} disabled={pending} />
        </FormField>
      ) : (
        <FormField name="issuer" label="Issuer" required error={fields.issuer} description="Exactly the iss claim of the tokens, an https URL.">
          <Input className="font-mono" defaultValue={initial?.issuer ?? ""} placeholder="https://token.actions.githubusercontent.com" autoComplete="off" spellCheck={false} disabled={pending} />
        </FormField>
      )}

      <fieldset className="grid gap-2">
        <legend className="mb-1.5 text-sm font-medium">Public keys</legend>
        <Tabs value={source} onValueChange={(v) => setSource(v as Source)}>
          <TabsList aria-label="Where the keys come from">
            <TabsTrigger value="inline" disabled={pending}>Inline JWKS</TabsTrigger>
            <TabsTrigger value="url" disabled={pending}>JWKS URL</TabsTrigger>
          </TabsList>
          <TabsContent value="inline" className="grid gap-2">
            <FormField
              name="jwks"
              label="JWK set (JSON)"
              required
              error={fields.jwks ?? inspected.problem}
              description='{"keys": [ … ]} with public keys only. Private or symmetric (oct) keys are refused.'
            >
              <Textarea rows={8} className="font-mono text-xs" value={jwksText} onChange={(e) => setJwksText(e.target.value)} spellCheck={false} disabled={pending} />
            </FormField>
            <KeyList keys={inspected.keys} />
          </TabsContent>
          <TabsContent value="url">
            <FormField name="jwksUrl" label="JWKS URL" required error={fields.jwksUrl} description="https (plain http only to localhost). Keys are cached and refetched for unknown key ids.">
              <Input className="font-mono" type="url" defaultValue={initial?.jwksUrl ?? ""} placeholder="https://idp.example/.well-known/jwks.json" autoComplete="off" spellCheck={false} disabled={pending} />
            </FormField>
          </TabsContent>
        </Tabs>
      </fieldset>

      <FormField name="audience" label="Audience" required error={fields.audience} description={`Tokens must name this in aud. Warden's own audience is "${options.defaultAudience}".`}>
        <Input className="font-mono" defaultValue={initial?.audience ?? options.defaultAudience} autoComplete="off" spellCheck={false} disabled={pending} />
      </FormField>

      <fieldset className="grid gap-2" aria-describedby="trust-algs-description">
        <legend className="text-sm font-medium">Allowed algorithms</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-2">
          {options.algorithms.map((a) => (
            <div key={a} className="flex items-center gap-1.5">
              <Checkbox
                id={`alg-${a}`}
                checked={algs.has(a)}
                disabled={pending}
                onCheckedChange={(v) => setAlgs((s) => {
                  const next = new Set(s);
                  if (v === true) next.add(a);
                  else next.delete(a);
                  return next;
                })}
              />
              <Label htmlFor={`alg-${a}`} className="font-mono text-xs">{a}</Label>
            </div>
          ))}
        </div>
        <p id="trust-algs-description" className="text-xs text-muted-foreground">Asymmetric only: none and HS* are never accepted.</p>
        {fields.algorithms ? <p className="text-xs font-medium text-destructive">{fields.algorithms}</p> : null}
      </fieldset>

      {!initial ? (
        <div className="flex items-center gap-2">
          <Checkbox id="trust-enabled" checked={enabled} onCheckedChange={(v) => setEnabled(v === true)} disabled={pending} />
          <Label htmlFor="trust-enabled">Enabled: accept tokens from this issuer as soon as it is saved</Label>
        </div>
      ) : null}

      <FormAlert message={error} />
      <DialogFooter>
        <SubmitButton pending={pending} pendingLabel="Saving…">{initial ? "Save changes" : "Add trust config"}</SubmitButton>
      </DialogFooter>
    </form>
  );
}

/** What the pasted set holds, so an admin can match key ids with the issuer's. */
function KeyList({ keys }: { keys: KeySummary[] }) {
  if (keys.length === 0) return null;
  return (
    <div className="grid gap-1 text-xs" aria-live="polite">
      <p className="text-muted-foreground">{keys.length === 1 ? "1 public key" : `${keys.length} public keys`}</p>
      <ul className="flex flex-wrap gap-1.5">
        {keys.map((k, i) => (
          <li key={`${k.kid}-${i}`}>
            <Badge variant="outline" className="font-mono">
              {k.kid ?? "(no kid)"} · {[k.kty, k.crv, k.alg].filter(Boolean).join(" ")}
            </Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}
