import Link from "next/link";
import { notFound } from "next/navigation";
import { RevokeCredentialButton } from "@/components/agents/agent-actions";
import { RevokeAllButton } from "@/components/credentials/revoke-all-button";
import { DetailList } from "@/components/detail-list";
import { PageHeader } from "@/components/page-header";
import { PatternBadges } from "@/components/pattern-badges";
import { OutcomeBadge, SessionStatusBadge } from "@/components/sessions/session-status-badge";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/auth/current";
import { can } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { getSessionDetail } from "@/lib/db/queries/sessions";

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const person = await requirePagePerson("readInventory", `/sessions/${id}`);
  if (!isUuid(id)) notFound();
  const d = await getSessionDetail(await getDb(), id);
  if (!d) notFound();
  const s = d.session;
  const intent = s.intent;
  const now = Date.now();
  const liveCredentials = d.credentials.filter((c) => !c.revokedAt && (!c.expiresAt || c.expiresAt.getTime() > now));
  const canRevoke = can(person.role, "revokeCredentials");
  return (
    <div className="space-y-4">
      <PageHeader
        title={s.goal}
        breadcrumbs={[{ label: "Sessions", href: "/sessions" }]}
        description={
          <>
            <Link className="hover:underline" href={`/agents/${s.agentId}`}>
              {d.agentName}
            </Link>{" "}
            · started <Time value={s.startedAt} /> · <SessionStatusBadge status={s.status} />
          </>
        }
        actions={canRevoke && liveCredentials.length > 0 ? <RevokeAllButton scope="session" id={s.id} /> : null}
      />
      <Card>
        <CardHeader>
          <CardTitle>Declared intent (version {s.intentVersion})</CardTitle>
        </CardHeader>
        <CardContent>
          <DetailList
            items={[
              {
                label: "Actions",
                value: <PatternBadges patterns={intent.actions} />,
              },
              { label: "Max sensitivity", value: intent.maxSensitivity },
              { label: "Destinations", value: intent.destinations?.join(", ") || "none", mono: true },
              { label: "Resources", value: intent.resources?.join(", ") || "any", mono: true },
              { label: "Expires", value: <Time value={s.expiresAt} /> },
              {
                label: "Delegated from",
                hidden: !s.parentSessionId,
                value: (
                  <Link className="hover:underline" href={`/sessions/${s.parentSessionId}`}>
                    parent session
                  </Link>
                ),
              },
            ]}
          />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Credentials issued for this task ({d.credentials.length})</CardTitle>
        </CardHeader>
        <CardContent>
          {d.credentials.length === 0 ? (
            <p className="text-sm text-muted-foreground">No just-in-time credentials were issued in this session.</p>
          ) : (
            <Table aria-label="Credentials issued for this task">
              <TableHeader>
                <TableRow>
                  <TableHead>Credential</TableHead>
                  <TableHead>Connector and scope</TableHead>
                  <TableHead>Issued</TableHead>
                  <TableHead>Expires</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="sr-only">Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {d.credentials.map((c) => {
                  const expired = !c.revokedAt && c.expiresAt && c.expiresAt.getTime() <= now;
                  return (
                    <TableRow key={c.id}>
                      <TableCell>
                        <Link className="hover:underline" href={`/credentials/${c.id}`}>
                          {c.name}
                        </Link>
                        <div className="font-mono text-xs text-muted-foreground">{c.prefix ?? "—"}</div>
                      </TableCell>
                      <TableCell className="font-mono text-xs">
                        {c.connector ?? "—"}: {(c.scope.operations ?? []).join(", ") || "—"}
                      </TableCell>
                      <TableCell>
                        <Time value={c.issuedAt} />
                      </TableCell>
                      <TableCell>
                        <Time value={c.expiresAt} />
                      </TableCell>
                      <TableCell className="whitespace-normal">
                        {c.revokedAt ? (
                          <>
                            <Badge variant="muted">revoked</Badge>{" "}
                            <span className="text-xs text-muted-foreground">
                              <Time value={c.revokedAt} /> by {c.revokedByKind ?? "—"}: {c.revokeReason ?? "no reason recorded"}
                            </span>
                          </>
                        ) : expired ? (
                          <Badge variant="muted">expired</Badge>
                        ) : (
                          <Badge variant="success">active</Badge>
                        )}
                      </TableCell>
                      <TableCell className="text-right">
                        {canRevoke && !c.revokedAt && !expired ? <RevokeCredentialButton credentialId={c.id} label={c.name} /> : null}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Tool calls ({d.decisions.length})</CardTitle>
        </CardHeader>
        <CardContent>
          {d.decisions.length === 0 ? (
            <p className="text-sm text-muted-foreground">No tool calls in this session yet.</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Time</TableHead>
                  <TableHead>Action</TableHead>
                  <TableHead>Decision</TableHead>
                  <TableHead>Reasons</TableHead>
                  <TableHead>Outside the intent</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {d.decisions.map((e) => (
                  <TableRow key={e.id} data-outcome={e.outcome}>
                    <TableCell>
                      <Time value={e.createdAt} />
                    </TableCell>
                    <TableCell className="font-mono text-xs">
                      {e.connector}:{e.tool}.{e.operation}
                      {e.resource ? <span className="text-muted-foreground"> {e.resource}</span> : null}
                    </TableCell>
                    <TableCell>
                      <OutcomeBadge outcome={e.outcome} />
                    </TableCell>
                    <TableCell className="text-xs">{e.reasons.map((r) => r.code).join(", ") || "—"}</TableCell>
                    <TableCell className="whitespace-normal text-xs">
                      {e.diff?.length
                        ? e.diff.map((x) => (
                            <div key={x.field}>
                              <strong>{x.field}</strong>: declared <code>{JSON.stringify(x.declared)}</code>, got{" "}
                              <code className="text-destructive">{JSON.stringify(x.actual)}</code>
                            </div>
                          ))
                        : "—"}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
