import { and, eq, gt, inArray, isNotNull, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { agents, connectors, credentials, users } from "@/lib/db/schema";
import type { CredentialListQuery } from "@/lib/domain/credentials/schemas";
import { deferredPage, orderBy, orderNullsLast, searchAny, withinRange, type Page } from "./list";

// Every read that leaves this file omits secret_hash.
export type CredentialStatus = "active" | "expired" | "revoked";

/** Status as the database sees it now, so the filter and the displayed badge always agree. */
export const credentialStatusSql = sql<CredentialStatus>`(case
  when ${credentials.revokedAt} is not null then 'revoked'
  when ${credentials.expiresAt} is not null and ${credentials.expiresAt} <= now() then 'expired'
  else 'active' end)`;

export function statusCondition(status: CredentialStatus): SQL | undefined {
  if (status === "revoked") return isNotNull(credentials.revokedAt);
  if (status === "expired") return and(isNull(credentials.revokedAt), lte(credentials.expiresAt, sql`now()`));
  return and(isNull(credentials.revokedAt), or(isNull(credentials.expiresAt), gt(credentials.expiresAt, sql`now()`)));
}

export const publicCredentialColumns = {
  id: credentials.id,
  kind: credentials.kind,
  name: credentials.name,
  agentId: credentials.agentId,
  connectorId: credentials.connectorId,
  sessionId: credentials.sessionId,
  jit: credentials.jit,
  scope: credentials.scope,
  prefix: credentials.prefix,
  issuedAt: credentials.issuedAt,
  expiresAt: credentials.expiresAt,
  lastUsedAt: credentials.lastUsedAt,
  revokedAt: credentials.revokedAt,
  revokedBy: credentials.revokedBy,
  revokedByKind: credentials.revokedByKind,
  revokeReason: credentials.revokeReason,
  createdBy: credentials.createdBy,
  createdAt: credentials.createdAt,
};

export type PublicCredential = Omit<typeof credentials.$inferSelect, "secretHash" | "metadata">;

const rowColumns = {
  id: credentials.id,
  kind: credentials.kind,
  name: credentials.name,
  prefix: credentials.prefix,
  jit: credentials.jit,
  agentId: credentials.agentId,
  agentName: agents.name,
  connectorId: credentials.connectorId,
  connectorName: connectors.name,
  connectorDisplayName: connectors.displayName,
  sessionId: credentials.sessionId,
  issuedAt: credentials.issuedAt,
  expiresAt: credentials.expiresAt,
  lastUsedAt: credentials.lastUsedAt,
  revokedAt: credentials.revokedAt,
  status: credentialStatusSql,
};

export type CredentialRow = {
  id: string;
  kind: PublicCredential["kind"];
  name: string;
  prefix: string | null;
  jit: boolean;
  agentId: string;
  agentName: string;
  connectorId: string | null;
  connectorName: string | null;
  connectorDisplayName: string | null;
  sessionId: string | null;
  issuedAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: CredentialStatus;
};

const MAX_AGENT_MATCHES = 1000;

const sortable = {
  issuedAt: credentials.issuedAt,
  expiresAt: credentials.expiresAt,
  lastUsedAt: credentials.lastUsedAt,
  name: credentials.name,
} as const;

export async function listCredentials(db: Executor, q: CredentialListQuery): Promise<Page<CredentialRow>> {
  // Agent names are matched first, through the agents' own trigram index, so the credential
  // search stays a bitmap OR of index scans instead of a scan with a sub-plan per row.
  const agentIds = q.q
    ? (await db.select({ id: agents.id }).from(agents).where(searchAny(q.q, [agents.name])).limit(MAX_AGENT_MATCHES)).map((a) => a.id)
    : [];
  const conds: (SQL | undefined)[] = [
    q.q ? or(searchAny(q.q, [credentials.name, credentials.prefix]), ...(agentIds.length ? [inArray(credentials.agentId, agentIds)] : [])) : undefined,
    q.kind ? eq(credentials.kind, q.kind) : undefined,
    q.status ? statusCondition(q.status) : undefined,
    q.jit ? eq(credentials.jit, q.jit === "true") : undefined,
    q.agentId ? eq(credentials.agentId, q.agentId) : undefined,
    q.connectorId ? eq(credentials.connectorId, q.connectorId) : undefined,
    withinRange(q.timeField === "revokedAt" ? credentials.revokedAt : credentials.issuedAt, q.from, q.to),
  ];
  const where = and(...conds.filter(Boolean));
  const nullable = q.sort === "expiresAt" || q.sort === "lastUsedAt";
  const order = (nullable ? orderNullsLast : orderBy)(sortable[q.sort], q.dir, credentials.id);
  return deferredPage(db, credentials, where, order, q, (inPage) =>
    db
      .select(rowColumns)
      .from(credentials)
      .innerJoin(agents, eq(agents.id, credentials.agentId))
      .leftJoin(connectors, eq(connectors.id, credentials.connectorId))
      .where(inPage)
      .orderBy(...order),
  );
}

export async function getCredential(db: Executor, id: string): Promise<(PublicCredential & { status: CredentialStatus }) | undefined> {
  const [c] = await db
    .select({ ...publicCredentialColumns, status: credentialStatusSql })
    .from(credentials)
    .where(eq(credentials.id, id));
  return c;
}

/** The credential page: the credential, its agent and connector, and who created / revoked it. */
export async function getCredentialDetail(db: Executor, id: string) {
  const credential = await getCredential(db, id);
  if (!credential) return undefined;
  const personIds = [credential.createdBy, credential.revokedByKind === "person" ? credential.revokedBy : null].filter(
    (x): x is string => Boolean(x),
  );
  const [agent, connector, people, revokingAgent] = await Promise.all([
    db
      .select({ id: agents.id, name: agents.name, status: agents.status, team: agents.team })
      .from(agents)
      .where(eq(agents.id, credential.agentId)),
    credential.connectorId
      ? db
          .select({ id: connectors.id, name: connectors.name, displayName: connectors.displayName, managed: connectors.managed })
          .from(connectors)
          .where(eq(connectors.id, credential.connectorId))
      : Promise.resolve([]),
    personIds.length
      ? db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(or(...personIds.map((p) => eq(users.id, p))))
      : Promise.resolve([]),
    credential.revokedByKind === "agent" && credential.revokedBy
      ? db.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, credential.revokedBy))
      : Promise.resolve([]),
  ]);
  const person = (pid: string | null) => (pid ? (people.find((p) => p.id === pid) ?? null) : null);
  const revokedBy = !credential.revokedAt
    ? null
    : credential.revokedByKind === "person"
      ? { kind: "person" as const, id: credential.revokedBy, label: person(credential.revokedBy)?.name ?? "unknown person", email: person(credential.revokedBy)?.email ?? null }
      : credential.revokedByKind === "agent"
        ? { kind: "agent" as const, id: credential.revokedBy, label: revokingAgent[0]?.name ?? "unknown agent", email: null }
        : { kind: "system" as const, id: null, label: "Warden (system)", email: null };
  return {
    credential,
    agent: agent[0] ?? null,
    connector: connector[0] ?? null,
    createdBy: person(credential.createdBy),
    revokedBy,
  };
}

export type CredentialDetail = NonNullable<Awaited<ReturnType<typeof getCredentialDetail>>>;

/**
 * Agents to choose from when recording a credential: the first active ones by name, plus any
 * explicitly linked ones (?agentId=) whatever their status. Larger fleets search the agents API.
 */
export async function agentPickerOptions(db: Executor, opts: { include?: string[]; limit?: number } = {}) {
  const cols = { id: agents.id, name: agents.name, team: agents.team };
  const [first, linked] = await Promise.all([
    db.select(cols).from(agents).where(eq(agents.status, "active")).orderBy(agents.name).limit(opts.limit ?? 50),
    opts.include?.length ? db.select(cols).from(agents).where(or(...opts.include.map((id) => eq(agents.id, id)))) : Promise.resolve([]),
  ]);
  return { options: [...linked.filter((l) => !first.some((f) => f.id === l.id)), ...first], linked };
}

export async function getAgentName(db: Executor, id: string) {
  const [a] = await db.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, id));
  return a ?? null;
}
