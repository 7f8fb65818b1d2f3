import Link from "next/link";
import { notFound } from "next/navigation";
import { AgentStatusActions, RevokeCredentialButton } from "@/components/agents/agent-actions";
import { RiskBadge, StatusBadge } from "@/components/agents/badges";
import { IssueKeyDialog } from "@/components/agents/issue-key-dialog";
import { RevokeAllButton } from "@/components/credentials/revoke-all-button";
import type { Columns } from "@/components/data-table/columns";
import { StaticTable } from "@/components/data-table/static-table";
import { DetailList } from "@/components/detail-list";
import { PageHeader } from "@/components/page-header";
import { PatternBadges } from "@/components/pattern-badges";
import { Time } from "@/components/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { getDb } from "@/lib/runtime";
import { getAgentDetail } from "@/lib/db/queries/agents";
import { formatCount } from "@/lib/format";

type Detail = NonNullable<Awaited<ReturnType<typeof getAgentDetail>>>;

const CONNECTOR_USAGE: Columns<Detail["connectorsUsed"][number]> = [
  { id: "connector", header: "Connector", meta: { className: "font-mono text-xs" }, cell: ({ row }) => row.original.connector },
  { id: "calls", header: "Calls", meta: { align: "right", className: "tabular-nums" }, cell: ({ row }) => formatCount(row.original.calls) },
  { id: "denied", header: "Denied", meta: { align: "right", className: "tabular-nums" }, cell: ({ row }) => formatCount(row.original.denied) },
  { id: "lastUsedAt", header: "Last call", cell: ({ row }) => <Time value={row.original.lastUsedAt} /> },
];

const RECENT_SESSIONS: Columns<Detail["recentSessions"][number]> = [
  {
    id: "goal",
    header: "Goal",
    meta: { className: "max-w-[16rem] truncate", cellProps: (s) => ({ title: s.goal }) },
    cell: ({ row: { original: s } }) => (
      <Link className="hover:underline" href={`/sessions/${s.id}`}>
        {s.goal}
      </Link>
    ),
  },
  { id: "status", header: "Status", cell: ({ row: { original: s } }) => <Badge variant={s.status === "active" ? "success" : "muted"}>{s.status}</Badge> },
  {
    id: "calls",
    header: "Calls",
    meta: { align: "right", className: "tabular-nums" },
    cell: ({ row: { original: s } }) => (
      <>
        {s.decisionCount}
        {s.denyCount ? <span className="text-destructive"> / {s.denyCount} denied</span> : null}
      </>
    ),
  },
  { id: "startedAt", header: "Started", cell: ({ row }) => <Time value={row.original.startedAt} /> },
];

export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const person = await requirePagePerson("readInventory", `/agents/${id}`);
  if (!isUuid(id)) notFound();
  const detail = await getAgentDetail(await getDb(), id);
  if (!detail) notFound();
  const { agent, owner, credentials, connectorsUsed, recentSessions } = detail;
  const canWrite = can(person.role, "writeInventory") && agent.status !== "retired";
  const canRevoke = can(person.role, "revokeCredentials");
  const canRevokeAll = canRevoke && credentials.some((c) => !c.revokedAt && (!c.expiresAt || c.expiresAt.getTime() > Date.now()));
  const env = agent.envelope;
  const now = Date.now();

  return (
    <div className="space-y-4">
      <PageHeader
        title={agent.name}
        description={agent.purpose || undefined}
        breadcrumbs={[{ label: "Agents", href: "/agents" }]}
        actions={
          canWrite || canRevokeAll ? (
            <div className="flex flex-wrap gap-2">
              {canWrite ? (
                <Button asChild variant="outline" size="sm">
                  <Link href={`/agents/${agent.id}/edit`}>Edit</Link>
                </Button>
              ) : null}
              {canRevokeAll ? <RevokeAllButton scope="agent" id={agent.id} /> : null}
              {canWrite ? <AgentStatusActions agentId={agent.id} name={agent.name} status={agent.status} /> : null}
            </div>
          ) : null
        }
      />
      {agent.status !== "active" ? (
        <div role="status" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
          <strong className="capitalize">{agent.status}</strong>
          {agent.statusReason ? <> — {agent.statusReason}</> : null}
          {agent.statusChangedAt ? (
            <>
              {" "}
              (<Time value={agent.statusChangedAt} />)
            </>
          ) : null}
        </div>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Identity</CardTitle>
          </CardHeader>
          <CardContent>
            <DetailList
              items={[
                { label: "Workload identity", value: agent.identity, mono: true },
                { label: "Kind", value: agent.identityKind === "spiffe" ? "SPIFFE ID" : agent.identityKind === "oidc" ? "OIDC subject" : "Bootstrap key only" },
                { label: "Team", value: agent.team },
                { label: "Owner", value: owner ? `${owner.name} (${owner.email})` : "—" },
                { label: "Risk tier", value: <RiskBadge tier={agent.riskTier} /> },
                { label: "Status", value: <StatusBadge status={agent.status} /> },
                { label: "Registered", value: <Time value={agent.createdAt} /> },
                { label: "Last seen", value: <Time value={agent.lastSeenAt} /> },
              ]}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Baseline envelope</CardTitle>
          </CardHeader>
          <CardContent>
            <DetailList
              items={[
                {
                  label: "Actions",
                  value: <PatternBadges patterns={env.actions} />,
                },
                { label: "Resources", value: env.resources?.length ? env.resources.join(", ") : "any", mono: true },
                { label: "Max sensitivity", value: env.maxSensitivity },
                { label: "Destinations", value: env.destinations?.length ? env.destinations.join(", ") : "none declared", mono: true },
                { label: "Longest session", value: `${Math.round(env.maxTtlSeconds / 60)} min` },
              ]}
            />
          </CardContent>
        </Card>
      </div>

      {/* The target of findings' "Rotate the key" and "Revoke its credentials" links. */}
      <Card id="credentials" className="scroll-mt-4">
        <CardHeader className="flex flex-row items-center justify-between">
          <CardTitle>Credentials</CardTitle>
          {can(person.role, "issueAgentKeys") && agent.status === "active" ? <IssueKeyDialog agentId={agent.id} /> : null}
        </CardHeader>
        <CardContent>
          {credentials.length === 0 ? (
            <p className="text-sm text-muted-foreground">This agent holds no credentials.</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Prefix</TableHead>
                  <TableHead>Kind</TableHead>
                  <TableHead>Issued</TableHead>
                  <TableHead>Expires</TableHead>
                  <TableHead>Last used</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="sr-only">Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {credentials.map((c) => {
                  const expired = c.expiresAt && c.expiresAt.getTime() <= now;
                  return (
                    <TableRow key={c.id}>
                      <TableCell>
                        <Link className="hover:underline" href={`/credentials/${c.id}`}>
                          {c.name}
                        </Link>
                      </TableCell>
                      <TableCell className="font-mono text-xs">{c.prefix ?? "—"}</TableCell>
                      <TableCell>
                        {c.kind.replace("_", " ")} <Badge variant={c.jit ? "success" : "warning"}>{c.jit ? "JIT" : "standing"}</Badge>
                      </TableCell>
                      <TableCell>
                        <Time value={c.issuedAt} />
                      </TableCell>
                      <TableCell>{c.expiresAt ? <Time value={c.expiresAt} /> : <span className="text-warning">never</span>}</TableCell>
                      <TableCell>
                        <Time value={c.lastUsedAt} />
                      </TableCell>
                      <TableCell>
                        {c.revokedAt ? (
                          <Badge variant="muted" title={c.revokeReason ?? undefined}>
                            revoked
                          </Badge>
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

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Connectors used</CardTitle>
          </CardHeader>
          <CardContent>
            <StaticTable columns={CONNECTOR_USAGE} rows={connectorsUsed} getRowId={(u) => u.connector} empty="No tool calls recorded yet." />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Recent sessions</CardTitle>
          </CardHeader>
          <CardContent>
            <StaticTable columns={RECENT_SESSIONS} rows={recentSessions} getRowId={(r) => r.id} empty="No sessions yet." />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
