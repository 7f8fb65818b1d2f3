import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { agents, connectors, connectorTools, credentials, decisions, users } from "@/lib/db/schema";
import type { ConnectorListQuery } from "@/lib/domain/connectors/schemas";
import { credentialStatusSql, type CredentialStatus } from "./credentials";
import { deferredPage, orderBy, orderNullsLast, searchAny, type Page } from "./list";
import { getOwnerContact } from "./people-options";

// Every read that leaves this file omits `config` (backend settings for JIT credentials).
export const publicConnectorColumns = {
  id: connectors.id,
  name: connectors.name,
  displayName: connectors.displayName,
  kind: connectors.kind,
  managed: connectors.managed,
  sensitivity: connectors.sensitivity,
  environment: connectors.environment,
  ownerId: connectors.ownerId,
  ownerTeam: connectors.ownerTeam,
  description: connectors.description,
  endpoint: connectors.endpoint,
  firstSeenAt: connectors.firstSeenAt,
  lastSeenAt: connectors.lastSeenAt,
  createdAt: connectors.createdAt,
  updatedAt: connectors.updatedAt,
};

export type PublicConnector = Omit<typeof connectors.$inferSelect, "config">;
export type ConnectorTool = typeof connectorTools.$inferSelect;

export type ConnectorRow = Pick<
  PublicConnector,
  "id" | "name" | "displayName" | "kind" | "managed" | "sensitivity" | "environment" | "ownerTeam" | "lastSeenAt" | "createdAt"
> & { ownerName: string | null; toolCount: number };

const sortable = {
  name: connectors.name,
  kind: connectors.kind,
  sensitivity: connectors.sensitivity, // enum order: public < internal < confidential < restricted
  lastSeenAt: connectors.lastSeenAt,
  createdAt: connectors.createdAt,
} as const;

export async function listConnectors(db: Executor, q: ConnectorListQuery): Promise<Page<ConnectorRow>> {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [connectors.name, connectors.displayName]),
    q.kind ? eq(connectors.kind, q.kind) : undefined,
    q.managed ? eq(connectors.managed, q.managed === "true") : undefined,
    q.sensitivity ? eq(connectors.sensitivity, q.sensitivity) : undefined,
    q.environment ? eq(connectors.environment, q.environment) : undefined,
  ];
  const where = and(...conds.filter(Boolean));
  const order = q.sort === "lastSeenAt" ? orderNullsLast(sortable.lastSeenAt, q.dir, connectors.id) : orderBy(sortable[q.sort], q.dir, connectors.id);
  return deferredPage(db, connectors, where, order, q, (inPage) =>
    db
      .select({
        id: connectors.id,
        name: connectors.name,
        displayName: connectors.displayName,
        kind: connectors.kind,
        managed: connectors.managed,
        sensitivity: connectors.sensitivity,
        environment: connectors.environment,
        ownerTeam: connectors.ownerTeam,
        ownerName: users.name,
        lastSeenAt: connectors.lastSeenAt,
        createdAt: connectors.createdAt,
        toolCount: sql<number>`(select count(*) from ${connectorTools} where ${connectorTools.connectorId} = ${connectors.id})::int`,
      })
      .from(connectors)
      .leftJoin(users, eq(users.id, connectors.ownerId))
      .where(inPage)
      .orderBy(...order),
  );
}

export async function getConnector(db: Executor, id: string): Promise<PublicConnector | undefined> {
  const [c] = await db.select(publicConnectorColumns).from(connectors).where(eq(connectors.id, id));
  return c;
}

/** Values for the environment filter. */
export async function listEnvironments(db: Executor): Promise<string[]> {
  const r = await db.selectDistinct({ environment: connectors.environment }).from(connectors).orderBy(connectors.environment).limit(200);
  return r.map((x) => x.environment);
}

/** Small option lists for forms (connector pickers). */
export async function connectorOptions(db: Executor, limit = 500) {
  return db
    .select({ id: connectors.id, name: connectors.name, displayName: connectors.displayName, managed: connectors.managed })
    .from(connectors)
    .orderBy(connectors.name)
    .limit(limit);
}

export type ConnectorCredential = {
  id: string;
  kind: string;
  name: string;
  jit: boolean;
  prefix: string | null;
  agentId: string;
  agentName: string;
  issuedAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: CredentialStatus;
};

/** Everything the connector page shows, in one round of queries. */
export async function getConnectorDetail(db: Executor, id: string) {
  const connector = await getConnector(db, id);
  if (!connector) return undefined;
  const [owner, tools, creds, used] = await Promise.all([
    getOwnerContact(db, connector.ownerId),
    db.select().from(connectorTools).where(eq(connectorTools.connectorId, id)).orderBy(connectorTools.name),
    db
      .select({
        id: credentials.id,
        kind: credentials.kind,
        name: credentials.name,
        jit: credentials.jit,
        prefix: credentials.prefix,
        agentId: credentials.agentId,
        agentName: agents.name,
        issuedAt: credentials.issuedAt,
        expiresAt: credentials.expiresAt,
        lastUsedAt: credentials.lastUsedAt,
        revokedAt: credentials.revokedAt,
        status: credentialStatusSql,
      })
      .from(credentials)
      .innerJoin(agents, eq(agents.id, credentials.agentId))
      .where(eq(credentials.connectorId, id))
      // live ones first, newest first
      .orderBy(sql`${credentials.revokedAt} is not null`, desc(credentials.issuedAt))
      .limit(100),
    // Decisions reference the connector by id (decisions_connector_idx); rows written before a
    // shadow connector got its id are not counted, a scan on the text name would not scale.
    db
      .select({
        agentId: decisions.agentId,
        agentName: agents.name,
        agentStatus: agents.status,
        calls: sql<number>`count(*)::int`,
        denied: sql<number>`(count(*) filter (where ${decisions.outcome} = 'deny'))::int`,
        escalated: sql<number>`(count(*) filter (where ${decisions.outcome} = 'escalate'))::int`,
        lastUsedAt: sql<string>`max(${decisions.createdAt})`,
      })
      .from(decisions)
      .innerJoin(agents, eq(agents.id, decisions.agentId))
      .where(eq(decisions.connectorId, id))
      .groupBy(decisions.agentId, agents.name, agents.status)
      .orderBy(desc(sql`count(*)`), agents.name)
      .limit(50),
  ]);
  return {
    connector,
    owner,
    tools,
    credentials: creds as ConnectorCredential[],
    agentsUsed: used.map((u) => ({ ...u, agentId: u.agentId!, lastUsedAt: new Date(u.lastUsedAt) })),
  };
}

export type ConnectorDetail = NonNullable<Awaited<ReturnType<typeof getConnectorDetail>>>;
