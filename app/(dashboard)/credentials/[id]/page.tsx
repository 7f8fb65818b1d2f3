import Link from "next/link";
import { notFound } from "next/navigation";
import { RevokeCredentialButton } from "@/components/agents/agent-actions";
import { ManagedBadge } from "@/components/connectors/badges";
import { credentialKindLabel, CredentialStatusBadge, JitBadge } from "@/components/credentials/badges";
import { PageHeader } from "@/components/page-header";
import { PatternBadges } from "@/components/pattern-badges";
import { Time } from "@/components/time";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { getDb } from "@/lib/runtime";
import { getCredentialDetail } from "@/lib/db/queries/credentials";

const none = <span className="text-muted-foreground">—</span>;

export default async function CredentialPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const person = await requirePagePerson("readInventory", `/credentials/${id}`);
  if (!isUuid(id)) notFound();
  const detail = await getCredentialDetail(await getDb(), id);
  if (!detail) notFound();
  const { credential: c, agent, connector, createdBy, revokedBy } = detail;
  const ops = c.scope.operations ?? [];
  const resources = c.scope.resources ?? [];

  return (
    <div className="space-y-4">
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {c.name}
            <CredentialStatusBadge status={c.status} />
          </span>
        }
        breadcrumbs={[{ label: "Credentials", href: "/credentials" }]}
        actions={
          can(person.role, "revokeCredentials") && c.status !== "revoked" ? (
            <RevokeCredentialButton credentialId={c.id} label={c.name} />
          ) : null
        }
      />

      {revokedBy ? (
        <section
          aria-labelledby="revocation-heading"
          className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm"
        >
          <h2 id="revocation-heading" className="font-semibold">
            Revoked
          </h2>
          <dl className="mt-1 grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1">
            <dt className="text-muted-foreground">When</dt>
            <dd>
              <Time value={c.revokedAt} />
            </dd>
            <dt className="text-muted-foreground">By</dt>
            <dd>
              {revokedBy.kind === "agent" && revokedBy.id ? (
                <Link className="hover:underline" href={`/agents/${revokedBy.id}`}>
                  {revokedBy.label}
                </Link>
              ) : (
                revokedBy.label
              )}
              {revokedBy.email ? <span className="text-muted-foreground"> ({revokedBy.email})</span> : null}
              <span className="text-muted-foreground"> · {revokedBy.kind}</span>
            </dd>
            <dt className="text-muted-foreground">Why</dt>
            <dd className="whitespace-pre-wrap">{c.revokeReason ?? none}</dd>
          </dl>
        </section>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle as="h2">Credential</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-2 text-sm">
              <dt className="text-muted-foreground">Kind</dt>
              <dd className="flex items-center gap-2">
                {credentialKindLabel(c.kind)} <JitBadge jit={c.jit} />
              </dd>
              <dt className="text-muted-foreground">Prefix</dt>
              <dd className="font-mono text-xs">{c.prefix ?? none}</dd>
              <dt className="text-muted-foreground">Agent</dt>
              <dd>
                {agent ? (
                  <Link className="hover:underline" href={`/agents/${agent.id}`}>
                    {agent.name}
                  </Link>
                ) : (
                  none
                )}
                {agent && agent.status !== "active" ? <span className="ml-1.5 text-muted-foreground">({agent.status})</span> : null}
              </dd>
              <dt className="text-muted-foreground">Connector</dt>
              <dd className="flex items-center gap-2">
                {connector ? (
                  <>
                    <Link className="font-mono text-xs hover:underline" href={`/connectors/${connector.id}`}>
                      {connector.name}
                    </Link>
                    {!connector.managed ? <ManagedBadge managed={false} /> : null}
                  </>
                ) : (
                  none
                )}
              </dd>
              {c.sessionId ? (
                <>
                  <dt className="text-muted-foreground">Session</dt>
                  <dd>
                    <Link className="font-mono text-xs hover:underline" href={`/sessions/${c.sessionId}`}>
                      {c.sessionId}
                    </Link>
                  </dd>
                </>
              ) : null}
              <dt className="text-muted-foreground">Recorded by</dt>
              <dd>{createdBy ? `${createdBy.name} (${createdBy.email})` : c.jit ? "Warden (issued for a session)" : none}</dd>
            </dl>
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle as="h2">Lifetime and scope</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-2 text-sm">
              <dt className="text-muted-foreground">Issued</dt>
              <dd>
                <Time value={c.issuedAt} />
              </dd>
              <dt className="text-muted-foreground">Expires</dt>
              <dd>{c.expiresAt ? <Time value={c.expiresAt} /> : <span className="text-warning">never (standing)</span>}</dd>
              <dt className="text-muted-foreground">Last used</dt>
              <dd>
                <Time value={c.lastUsedAt} />
              </dd>
              <dt className="text-muted-foreground">Operations</dt>
              <dd>
                <PatternBadges patterns={ops} empty={none} />
              </dd>
              <dt className="text-muted-foreground">Resources</dt>
              <dd className="font-mono text-xs">{resources.length ? resources.join(", ") : "any"}</dd>
            </dl>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
