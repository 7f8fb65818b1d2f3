import { and, eq, isNull } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { hashSecret, looksLikeSecret } from "@/lib/auth/secrets";
import type { Db } from "@/lib/db/client";
import { agents, connectors, credentials, sessions } from "@/lib/db/schema";
import { noteIfNeverIssued } from "../machine/never-issued";
import type { AgentCaller } from "../machine/authenticate";

export type Introspection =
  | { active: false }
  | {
      active: true;
      scope: string;
      client_id: string;
      sub: string;
      username: string;
      token_type: "wdn_jit";
      iat: number;
      exp: number;
      aud?: string;
      session_id: string | null;
      resources?: string[];
    };

const INACTIVE = { active: false } as const;

/**
 * RFC 7662 introspection of a just-in-time credential, for the tool that received it. Read from
 * the database on every call (no cache), so a revocation, an expiry, a session end or a
 * quarantine is in force on every instance the moment it commits — also before any sweeper has
 * run. Anything unknown, malformed, expired or revoked is just `active: false`: nothing that
 * helps guessing, and the token itself is never logged or stored.
 */
export async function introspectCredential(db: Db, token: string, meta: { ip?: string | null } = {}): Promise<Introspection> {
  if (!looksLikeSecret(token, "jit")) return INACTIVE;
  const now = new Date();
  const [row] = await db
    .select({
      id: credentials.id,
      scope: credentials.scope,
      issuedAt: credentials.issuedAt,
      expiresAt: credentials.expiresAt,
      revokedAt: credentials.revokedAt,
      lastUsedAt: credentials.lastUsedAt,
      sessionId: credentials.sessionId,
      agentId: agents.id,
      agentName: agents.name,
      identity: agents.identity,
      agentStatus: agents.status,
      sessionStatus: sessions.status,
      sessionExpiresAt: sessions.expiresAt,
      connector: connectors.name,
    })
    .from(credentials)
    .innerJoin(agents, eq(agents.id, credentials.agentId))
    .leftJoin(sessions, eq(sessions.id, credentials.sessionId))
    .leftJoin(connectors, eq(connectors.id, credentials.connectorId))
    .where(and(eq(credentials.secretHash, hashSecret(token)), eq(credentials.jit, true)));
  if (!row) {
    await noteIfNeverIssued(db, token, "just-in-time credential", meta.ip ?? null);
    return INACTIVE;
  }
  if (row.revokedAt || !row.expiresAt || row.expiresAt <= now) return INACTIVE;
  if (row.agentStatus !== "active") return INACTIVE;
  if (row.sessionId && (row.sessionStatus !== "active" || !row.sessionExpiresAt || row.sessionExpiresAt <= now)) return INACTIVE;
  // last_used_at at minute granularity: enough for the unused-credential finding, no write per call.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    db.update(credentials).set({ lastUsedAt: now }).where(eq(credentials.id, row.id)).catch(() => {});
  }
  const ops = row.scope.operations ?? [];
  return {
    active: true,
    scope: ops.map((op) => `${row.connector ?? "?"}:${op}`).join(" "),
    client_id: row.agentId,
    sub: row.identity,
    username: row.agentName,
    token_type: "wdn_jit",
    iat: Math.floor(row.issuedAt.getTime() / 1000),
    exp: Math.floor(row.expiresAt.getTime() / 1000),
    ...(row.connector ? { aud: row.connector } : {}),
    session_id: row.sessionId,
    ...(row.scope.resources ? { resources: row.scope.resources } : {}),
  };
}

/**
 * RFC 7009 revocation by the holder: an agent revokes a credential issued to it. The answer is
 * the same whether or not the token was valid or the caller's (RFC 7009 §2.2), so it reveals
 * nothing; only a real revocation is audited.
 */
export async function revokeByHolder(db: Db, agent: AgentCaller, token: string, meta: { requestId?: string; ip?: string | null }): Promise<void> {
  if (!looksLikeSecret(token, "jit")) return;
  await db.transaction(async (tx) => {
    const now = new Date();
    const [c] = await tx
      .update(credentials)
      .set({ revokedAt: now, revokedBy: agent.id, revokedByKind: "agent", revokeReason: "revoked by its holder" })
      .where(and(eq(credentials.secretHash, hashSecret(token)), eq(credentials.agentId, agent.id), isNull(credentials.revokedAt)))
      .returning({ id: credentials.id, sessionId: credentials.sessionId, prefix: credentials.prefix, kind: credentials.kind });
    if (!c) return;
    await recordAudit(tx, {
      actor: { kind: "agent", id: agent.id, label: agent.name },
      action: "credential.revoked",
      target: { kind: "credential", id: c.id },
      agentId: agent.id,
      sessionId: c.sessionId,
      detail: { kind: c.kind, prefix: c.prefix, reason: "revoked by its holder" },
      requestId: meta.requestId,
      ip: meta.ip,
    });
  });
}
