import Link from "next/link";
import { notFound } from "next/navigation";
import { AgentStatusActions, RevokeCredentialButton } from "@/components/agents/agent-actions";
import { CredentialStatusBadge } from "@/components/credentials/badges";
import { RevokeAllButton } from "@/components/credentials/revoke-all-button";
import { SeverityBadge } from "@/components/findings/severity-badge";
import { DetailList } from "@/components/detail-list";
import { PageHeader } from "@/components/page-header";
import { PatternBadges } from "@/components/pattern-badges";
import { ProposeIntentDialog } from "@/components/sessions/propose-intent-dialog";
import { SessionStatusBadge } from "@/components/sessions/session-status-badge";
import { SessionTimeline } from "@/components/sessions/session-timeline";
import { SessionTraces } from "@/components/sessions/session-traces";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { compareIntents } from "@/lib/policy/intent";
import { getDb } from "@/lib/runtime";
import { getSessionDetail } from "@/lib/db/queries/sessions";
import { sessionTimeline, TIMELINE_PAGE } from "@/lib/db/queries/timeline";
import { sessionSpans } from "@/lib/db/queries/traces";
import { formatCount } from "@/lib/format";

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const person = await requirePagePerson("readInventory", `/sessions/${id}`);
  if (!isUuid(id)) notFound();
  const db = await getDb();
  const d = await getSessionDetail(db, id);
  if (!d) notFound();
  // First paint on the server; the timeline then stays live in the browser.
  const [timeline, spans] = await Promise.all([sessionTimeline(db, id, { limit: TIMELINE_PAGE }), sessionSpans(db, id)]);
  const s = d.session;
  const intent = s.intent;
  const liveCredentials = d.credentials.filter((c) => c.status === "active");
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
        actions={
          <div className="flex flex-wrap gap-2">
            {canRevoke && liveCredentials.length > 0 ? <RevokeAllButton scope="session" id={s.id} /> : null}
            {can(person.role, "proposeIntentChanges") && s.status === "active" ? <ProposeIntentDialog sessionId={s.id} intent={intent} /> : null}
            {can(person.role, "writeInventory") ? <AgentStatusActions agentId={s.agentId} name={d.agentName} status={d.agentStatus} quarantineOnly /> : null}
          </div>
        }
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
      {d.intents.length > 1 ? (
        <Card>
          <CardHeader>
            <CardTitle>Intent versions ({d.intents.length})</CardTitle>
          </CardHeader>
          <CardContent>
            <ol className="space-y-2 text-sm" aria-label="Intent versions">
              {d.intents.map((v, i) => {
                const prev = d.intents[i - 1];
                const cmp = prev ? compareIntents(prev.intent, v.intent) : null;
                const widened = new Set(cmp?.widened.map((w) => w.field) ?? []);
                return (
                  <li key={v.id}>
                    <div className="flex flex-wrap items-center gap-2">
                      <strong>v{v.version}</strong>
                      <Badge variant={v.status === "accepted" ? "success" : v.status === "pending" ? "warning" : "destructive"}>{v.status}</Badge>
                      {cmp ? <Badge variant={cmp.kind === "widening" ? "warning" : "muted"}>{cmp.kind}</Badge> : <span className="text-xs text-muted-foreground">as opened</span>}
                      <span className="text-xs text-muted-foreground">
                        <Time value={v.createdAt} /> · {v.requestedBy}
                      </span>
                    </div>
                    {cmp?.changes.length ? (
                      <ul className="ml-4 text-xs">
                        {cmp.changes.map((c) => (
                          <li key={c.field} className={widened.has(c.field) ? "text-destructive" : undefined}>
                            <strong>{c.field}</strong>: <code>{JSON.stringify(c.before)}</code> → <code>{JSON.stringify(c.after)}</code>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                );
              })}
            </ol>
          </CardContent>
        </Card>
      ) : null}
      {d.children.length ? (
        <Card>
          <CardHeader>
            <CardTitle>Delegated to ({d.children.length})</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="space-y-1 text-sm" aria-label="Delegated sessions">
              {d.children.map((c) => (
                <li key={c.id} className="flex items-center gap-2">
                  <Link className="hover:underline" href={`/sessions/${c.id}`}>
                    {c.goal}
                  </Link>
                  <SessionStatusBadge status={c.status} />
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}
      {d.escalations.length ? (
        <Card>
          <CardHeader>
            <CardTitle>Escalations ({d.escalations.length})</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="space-y-1 text-sm" aria-label="Escalations">
              {d.escalations.map((e) => {
                const a = e.action as { connector?: string; tool?: string; operation?: string };
                return (
                  <li key={e.id} className="flex flex-wrap items-center gap-2">
                    <Badge variant={e.status === "approved" ? "success" : e.status === "pending" ? "warning" : "destructive"}>{e.status}</Badge>
                    <Link className="font-mono text-xs hover:underline" href={`/escalations/${e.id}`}>
                      {a.connector ? `${a.connector}:${a.tool}.${a.operation}` : e.kind.replaceAll("_", " ")}
                    </Link>
                    <span className="text-xs text-muted-foreground">
                      {e.reasons.map((r) => r.code).join(", ")} · asked <Time value={e.createdAt} />
                      {e.resolvedAt ? (
                        <>
                          {" "}
                          · answered <Time value={e.resolvedAt} />
                        </>
                      ) : null}
                      {e.resolution ? <> · {e.resolution}</> : null}
                    </span>
                  </li>
                );
              })}
            </ul>
          </CardContent>
        </Card>
      ) : null}
      {d.findings.length ? (
        <Card>
          <CardHeader>
            <CardTitle>Findings about this session ({d.findings.length})</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="space-y-1 text-sm" aria-label="Findings about this session">
              {d.findings.map((f) => (
                <li key={f.id} className="flex flex-wrap items-center gap-2">
                  <SeverityBadge severity={f.severity} />
                  <span>{f.title}</span>
                  <span className="text-xs text-muted-foreground">
                    {f.kind.replaceAll("_", " ")} · {f.status} · <Time value={f.lastSeenAt} />
                  </span>
                </li>
              ))}
            </ul>
            <Link className="mt-2 inline-block text-xs hover:underline" href="/findings">
              All findings
            </Link>
          </CardContent>
        </Card>
      ) : null}
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
                {d.credentials.map((c) => (
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
                      <CredentialStatusBadge status={c.status} />{" "}
                      {c.revokedAt ? (
                        <span className="text-xs text-muted-foreground">
                          <Time value={c.revokedAt} /> by {c.revokedByKind ?? "—"}: {c.revokeReason ?? "no reason recorded"}
                        </span>
                      ) : null}
                    </TableCell>
                    <TableCell className="text-right">{canRevoke && c.status === "active" ? <RevokeCredentialButton credentialId={c.id} label={c.name} /> : null}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Tool calls ({formatCount(s.decisionCount)})</CardTitle>
        </CardHeader>
        <CardContent>
          <SessionTimeline
            sessionId={s.id}
            initial={{ ...timeline, items: timeline.items.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })) }}
          />
        </CardContent>
      </Card>
      {spans.length ? (
        <Card>
          <CardHeader>
            <CardTitle>
              Traces ({spans.length}
              {spans.length >= 200 ? "+" : ""} spans, {spans.filter((x) => x.kind === "tool_call" && !x.checked).length} tool calls unchecked)
            </CardTitle>
          </CardHeader>
          <CardContent>
            <SessionTraces spans={spans} />
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
