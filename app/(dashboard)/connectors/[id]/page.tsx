import Link from "next/link";
import { notFound } from "next/navigation";
import { connectorKindLabel, ManagedBadge, OperationBadge, SensitivityBadge } from "@/components/connectors/badges";
import { RemoveToolButton, ToolDialog } from "@/components/connectors/tool-dialog";
import { credentialKindLabel, CredentialStatusBadge, JitBadge } from "@/components/credentials/badges";
import { RevokeAllButton } from "@/components/credentials/revoke-all-button";
import type { Columns } from "@/components/data-table/columns";
import { StaticTable } from "@/components/data-table/static-table";
import { DetailList } from "@/components/detail-list";
import { PageHeader } from "@/components/page-header";
import { Time } from "@/components/time";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { isUuid } from "@/lib/api/with-person";
import { requirePagePerson } from "@/lib/api/current-person";
import { can } from "@/lib/policy/roles";
import { getDb } from "@/lib/runtime";
import { getConnectorDetail } from "@/lib/db/queries/connectors";
import { formatCount } from "@/lib/format";

type Detail = NonNullable<Awaited<ReturnType<typeof getConnectorDetail>>>;

const AGENT_USAGE: Columns<Detail["agentsUsed"][number]> = [
  {
    id: "agent",
    header: "Agent",
    cell: ({ row: { original: u } }) => (
      <Link className="hover:underline" href={`/agents/${u.agentId}`}>
        {u.agentName}
      </Link>
    ),
  },
  { id: "calls", header: "Calls", meta: { align: "right", className: "tabular-nums" }, cell: ({ row }) => formatCount(row.original.calls) },
  { id: "denied", header: "Denied", meta: { align: "right", className: "tabular-nums" }, cell: ({ row }) => formatCount(row.original.denied) },
  { id: "escalated", header: "Escalated", meta: { align: "right", className: "tabular-nums" }, cell: ({ row }) => formatCount(row.original.escalated) },
  { id: "lastUsedAt", header: "Last call", cell: ({ row }) => <Time value={row.original.lastUsedAt} /> },
];

const muted = <span className="text-muted-foreground">—</span>;

export default async function ConnectorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const person = await requirePagePerson("readInventory", `/connectors/${id}`);
  if (!isUuid(id)) notFound();
  const detail = await getConnectorDetail(await getDb(), id);
  if (!detail) notFound();
  const { connector: c, owner, tools, credentials, agentsUsed } = detail;
  const canManage = can(person.role, "manageConnectors");
  // Break glass: only offered while some credential for it is still live.
  const canBreakGlass = can(person.role, "revokeCredentials") && credentials.some((cr) => cr.status === "active");

  return (
    <div className="space-y-4">
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {c.displayName}
            <ManagedBadge managed={c.managed} />
          </span>
        }
        description={c.description || undefined}
        breadcrumbs={[{ label: "Connectors", href: "/connectors" }]}
        actions={
          canManage || canBreakGlass ? (
            <>
              {canManage ? (
                <Button asChild variant="outline" size="sm">
                  <Link href={`/connectors/${c.id}/edit`}>Edit</Link>
                </Button>
              ) : null}
              {canManage && !c.managed ? (
                <Button asChild size="sm">
                  <Link href={`/connectors/${c.id}/edit?adopt=1`}>Adopt</Link>
                </Button>
              ) : null}
              {canBreakGlass ? <RevokeAllButton scope="connector" id={c.id} /> : null}
            </>
          ) : null
        }
      />
      {!c.managed ? (
        <div role="status" className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
          <strong>Unmanaged connector.</strong> It was first seen in a tool call
          {c.firstSeenAt ? (
            <>
              {" "}
              (<Time value={c.firstSeenAt} />)
            </>
          ) : null}{" "}
          and nobody has registered it; calls to it are denied or escalated by default.
        </div>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle as="h2">Registration</CardTitle>
        </CardHeader>
        <CardContent>
          <DetailList
            className="grid-cols-[9rem_1fr] gap-x-6 sm:grid-cols-[9rem_1fr_9rem_1fr]"
            items={[
              { label: "Name", value: c.name, mono: true },
              { label: "Kind", value: connectorKindLabel(c.kind) },
              { label: "Sensitivity", value: <SensitivityBadge level={c.sensitivity} /> },
              { label: "Environment", value: c.environment },
              { label: "Owner", value: owner ? `${owner.name} (${owner.email})` : muted },
              { label: "Owning team", value: c.ownerTeam ?? muted },
              { label: "Endpoint", value: c.endpoint ?? muted, mono: true },
              { label: "Registered", value: <Time value={c.createdAt} /> },
              { label: "First seen", value: <Time value={c.firstSeenAt} /> },
              { label: "Last seen", value: <Time value={c.lastSeenAt} /> },
            ]}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle as="h2">Tools ({tools.length})</CardTitle>
          {canManage ? (
            <CardAction>
              <ToolDialog connectorId={c.id} connectorName={c.name} />
            </CardAction>
          ) : null}
        </CardHeader>
        <CardContent>
          {tools.length === 0 ? (
            <p className="text-sm text-muted-foreground">No tools recorded. Add the tools agents call and the operations each one offers.</p>
          ) : (
            <Table aria-label="Tools">
              <TableHeader>
                <TableRow>
                  <TableHead>Tool</TableHead>
                  <TableHead>Operations and access</TableHead>
                  <TableHead>Sensitivity</TableHead>
                  <TableHead>Description</TableHead>
                  {canManage ? <TableHead className="sr-only">Actions</TableHead> : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {tools.map((t) => (
                  <TableRow key={t.id}>
                    <TableCell className="font-mono text-xs font-medium">{t.name}</TableCell>
                    <TableCell>
                      <div className="flex flex-wrap gap-1">
                        {t.operations.map((op) => (
                          <OperationBadge key={op.name} name={op.name} access={op.access} />
                        ))}
                      </div>
                    </TableCell>
                    <TableCell>
                      {t.sensitivity ? <SensitivityBadge level={t.sensitivity} /> : <span className="text-xs text-muted-foreground">inherited</span>}
                    </TableCell>
                    <TableCell className="max-w-[24rem] text-muted-foreground">{t.description || muted}</TableCell>
                    {canManage ? (
                      <TableCell className="text-right whitespace-nowrap">
                        <ToolDialog
                          connectorId={c.id}
                          connectorName={c.name}
                          tool={{ id: t.id, name: t.name, description: t.description, operations: t.operations, sensitivity: t.sensitivity }}
                        />
                        <RemoveToolButton connectorId={c.id} connectorName={c.name} toolId={t.id} toolName={t.name} />
                      </TableCell>
                    ) : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>

      <div className="grid gap-4 xl:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle as="h2">Credentials for this connector</CardTitle>
            <CardAction>
              <Button asChild variant="ghost" size="sm">
                <Link href={`/credentials?connectorId=${c.id}`}>All in inventory</Link>
              </Button>
            </CardAction>
          </CardHeader>
          <CardContent>
            {credentials.length === 0 ? (
              <p className="text-sm text-muted-foreground">No credentials are scoped to this connector.</p>
            ) : (
              <Table aria-label="Credentials for this connector">
                <TableHeader>
                  <TableRow>
                    <TableHead>Name</TableHead>
                    <TableHead>Agent</TableHead>
                    <TableHead>Kind</TableHead>
                    <TableHead>Expires</TableHead>
                    <TableHead>Status</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {credentials.map((cr) => (
                    <TableRow key={cr.id}>
                      <TableCell>
                        <Link className="hover:underline" href={`/credentials/${cr.id}`}>
                          {cr.name}
                        </Link>
                        {cr.prefix ? <span className="ml-1.5 font-mono text-xs text-muted-foreground">{cr.prefix}</span> : null}
                      </TableCell>
                      <TableCell>
                        <Link className="hover:underline" href={`/agents/${cr.agentId}`}>
                          {cr.agentName}
                        </Link>
                      </TableCell>
                      <TableCell className="whitespace-nowrap">
                        {credentialKindLabel(cr.kind)} <JitBadge jit={cr.jit} />
                      </TableCell>
                      <TableCell>{cr.expiresAt ? <Time value={cr.expiresAt} /> : <span className="text-warning">never</span>}</TableCell>
                      <TableCell>
                        <CredentialStatusBadge status={cr.status} />
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle as="h2">Agents that used it</CardTitle>
          </CardHeader>
          <CardContent>
            <StaticTable
              columns={AGENT_USAGE}
              rows={agentsUsed}
              getRowId={(u) => u.agentId}
              label="Agents that used this connector"
              empty="No tool calls to this connector recorded yet."
            />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
