import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { requirePagePerson } from "@/lib/api/current-person";
import { asJson, searchKey } from "@/lib/client/list-keys";
import { getDb } from "@/lib/runtime";
import { listTrustConfigs } from "@/lib/db/queries/trust";
import { DEFAULT_ALGS } from "@/lib/identity/trust";
import { wardenAudience } from "@/lib/services/machine/authenticate";
import { TRUST_ALGORITHMS, trustListSchema } from "@/lib/services/trust/schemas";
import { IdentityTrustClient } from "./client";

export const metadata = { title: "Identity trust · Warden" };

type SP = Record<string, string | string[] | undefined>;

export default async function IdentityTrustPage({ searchParams }: { searchParams: Promise<SP> }) {
  await requirePagePerson("manageIdentity", "/admin/identity");
  const sp = await searchParams;
  const parsed = trustListSchema.safeParse(sp);
  const query = parsed.success ? parsed.data : trustListSchema.parse({});
  const page = await listTrustConfigs(await getDb(), query);
  const options = { defaultAudience: wardenAudience(), algorithms: TRUST_ALGORITHMS, defaultAlgorithms: [...DEFAULT_ALGS] };
  return (
    <div className="space-y-4">
      <PageHeader
        title="Identity trust"
        description="The SPIFFE trust domains and OIDC issuers whose tokens Warden accepts from agents, and the public keys those tokens are checked against. Disabling or deleting one refuses its tokens from the next request."
      />
      <IdentityTrustClient initial={{ key: searchKey(sp), data: asJson(page) }} options={options} />
      <HowItWorks audience={options.defaultAudience} />
    </div>
  );
}

/** The checks a workload token must pass (lib/identity/workload-token.ts), in the words an admin needs. */
function HowItWorks({ audience }: { audience: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">How an agent authenticates with a workload token</CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-x-4 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="font-medium">Which config</dt>
          <dd className="text-muted-foreground">
            SPIFFE configs take tokens whose <code className="font-mono text-xs">sub</code> is a SPIFFE ID in their trust domain;
            OIDC configs take tokens whose <code className="font-mono text-xs">iss</code> equals their issuer exactly. Only enabled
            configs count; several may share a domain or issuer during a key rollover.
          </dd>
          <dt className="font-medium">Who the agent is</dt>
          <dd className="text-muted-foreground">
            The verified <code className="font-mono text-xs">sub</code> must equal, character for character, the workload identity
            registered on the agent&apos;s page (e.g. <code className="font-mono text-xs">spiffe://prod.acme.internal/ns/billing/sa/bot</code>).
            A validly signed token for an identity nobody registered is refused and raises an{" "}
            <code className="font-mono text-xs">unknown_workload_identity</code> finding.
          </dd>
          <dt className="font-medium">Audience</dt>
          <dd className="text-muted-foreground">
            <code className="font-mono text-xs">aud</code> must contain the config&apos;s audience — by default Warden&apos;s own,{" "}
            <code className="font-mono text-xs">{audience}</code>. Set the same value as the audience when the workload requests its
            token (SPIRE: <code className="font-mono text-xs">-audience {audience}</code>).
          </dd>
          <dt className="font-medium">Signature and expiry</dt>
          <dd className="text-muted-foreground">
            Signed with a key of the config and an algorithm it allows (RS*, PS*, ES*, EdDSA; never{" "}
            <code className="font-mono text-xs">none</code> or HS*). <code className="font-mono text-xs">exp</code> is required; clocks may
            differ by up to a minute.
          </dd>
          <dt className="font-medium">Sending it</dt>
          <dd className="text-muted-foreground">
            <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code> on the machine API, e.g.{" "}
            <code className="font-mono text-xs">POST /api/v1/sessions</code>. A refused token gets 401 without saying which check failed.
          </dd>
        </dl>
      </CardContent>
    </Card>
  );
}
