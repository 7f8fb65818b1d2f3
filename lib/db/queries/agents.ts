import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { agents, credentials, decisions, sessions, users } from "@/lib/db/schema";
import type { AgentListQuery } from "@/lib/domain/agents/schemas";
import { deferredPage, orderBy, orderNullsLast, searchAny, type Page } from "./list";
import { getOwnerContact } from "./people-options";

const listColumns = {
  id: agents.id,
  name: agents.name,
  identity: agents.identity,
  identityKind: agents.identityKind,
  team: agents.team,
  riskTier: agents.riskTier,
  status: agents.status,
  ownerId: agents.ownerId,
  ownerName: users.name,
  lastSeenAt: agents.lastSeenAt,
  createdAt: agents.createdAt,
};
export type AgentRow = {
  id: string;
  name: string;
  identity: string;
  identityKind: string;
  team: string;
  riskTier: "low" | "medium" | "high";
  status: "active" | "quarantined" | "retired";
  ownerId: string | null;
  ownerName: string | null;
  lastSeenAt: Date | null;
  createdAt: Date;
};

const sortable = {
  name: agents.name,
  team: agents.team,
  riskTier: agents.riskTier,
  status: agents.status,
  createdAt: agents.createdAt,
  lastSeenAt: agents.lastSeenAt,
} as const;

export async function listAgents(db: Executor, q: AgentListQuery): Promise<Page<AgentRow>> {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [agents.name, agents.identity, agents.team]),
    q.status ? eq(agents.status, q.status) : undefined,
    q.riskTier ? eq(agents.riskTier, q.riskTier) : undefined,
    q.team ? eq(agents.team, q.team) : undefined,
    q.ownerId ? eq(agents.ownerId, q.ownerId) : undefined,
  ];
  const where = and(...conds.filter(Boolean));
  const order = q.sort === "lastSeenAt" ? orderNullsLast(agents.lastSeenAt, q.dir, agents.id) : orderBy(sortable[q.sort], q.dir, agents.id);
  return deferredPage(db, agents, where, order, q, (inPage) =>
    db.select(listColumns).from(agents).leftJoin(users, eq(users.id, agents.ownerId)).where(inPage).orderBy(...order),
  );
}

export async function getAgentRow(db: Executor, id: string) {
  const [a] = await db.select().from(agents).where(eq(agents.id, id));
  return a;
}

export async function listTeams(db: Executor): Promise<string[]> {
  const r = await db.selectDistinct({ team: agents.team }).from(agents).orderBy(agents.team).limit(500);
  return r.map((x) => x.team);
}

/** Everything the agent page shows, in one round of queries. */
export async function getAgentDetail(db: Executor, id: string) {
  const agent = await getAgentRow(db, id);
  if (!agent) return undefined;
  const [owner, creds, used, recent] = await Promise.all([
    getOwnerContact(db, agent.ownerId),
    db
      .select({
        id: credentials.id,
        kind: credentials.kind,
        name: credentials.name,
        jit: credentials.jit,
        prefix: credentials.prefix,
        connectorId: credentials.connectorId,
        issuedAt: credentials.issuedAt,
        expiresAt: credentials.expiresAt,
        lastUsedAt: credentials.lastUsedAt,
        revokedAt: credentials.revokedAt,
        revokeReason: credentials.revokeReason,
      })
      .from(credentials)
      .where(eq(credentials.agentId, id))
      .orderBy(sql`${credentials.revokedAt} is not null`, desc(credentials.issuedAt))
      .limit(100),
    db
      .select({
        connector: decisions.connector,
        calls: sql<number>`count(*)::int`,
        denied: sql<number>`count(*) filter (where ${decisions.outcome} = 'deny')::int`,
        lastUsedAt: sql<Date>`max(${decisions.createdAt})`,
      })
      .from(decisions)
      .where(eq(decisions.agentId, id))
      .groupBy(decisions.connector)
      .orderBy(desc(sql`count(*)`))
      .limit(50),
    db
      .select({
        id: sessions.id,
        status: sessions.status,
        goal: sessions.goal,
        startedAt: sessions.startedAt,
        endedAt: sessions.endedAt,
        decisionCount: sessions.decisionCount,
        denyCount: sessions.denyCount,
        escalationCount: sessions.escalationCount,
      })
      .from(sessions)
      .where(eq(sessions.agentId, id))
      .orderBy(desc(sessions.startedAt))
      .limit(20),
  ]);
  return {
    agent,
    owner,
    credentials: creds,
    connectorsUsed: used.map((u) => ({ ...u, lastUsedAt: new Date(u.lastUsedAt) })),
    recentSessions: recent,
  };
}
