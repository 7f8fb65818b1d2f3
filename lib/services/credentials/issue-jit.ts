import { and, eq } from "drizzle-orm";
import { DomainError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import { hashSecret, newSecret } from "@/lib/auth/secrets";
import type { Db } from "@/lib/db/client";
import { connectors, credentials, escalations, sessions, type Reason } from "@/lib/db/schema";
import { actionHash, actionName, checkAction } from "@/lib/policy/intent";
import { matchesAction } from "@/lib/policy/patterns";
import type { ConnectorFacts, WithFacts } from "../decisions/facts";
import type { AgentCaller } from "../machine/authenticate";
import { escalationRisk } from "@/lib/policy/escalation-risk";
import { escalationTtlMs } from "../escalations/config";
import { takeGrant } from "../escalations/grants";
import type { IssueJit } from "./jit-schemas";
import { createDatabaseRole, dropDatabaseRole, grantsFor, postgresBackendOf, type PostgresBackendConfig } from "./postgres-backend";

/** The longest a just-in-time credential lives, whatever the session allows. */
export function jitMaxTtlSeconds() {
  return Number(process.env.WARDEN_JIT_MAX_TTL_SECONDS ?? 3600);
}
const DEFAULT_TTL_SECONDS = 900;

type Meta = { requestId?: string; ip?: string | null };
export type IssueResult =
  | { decision: "allow"; credential: { id: string; prefix: string; connector: string; scope: { operations: string[]; resources?: string[] }; expiresAt: string; sessionId: string }; secret: string }
  | { decision: "escalate"; reasons: Reason[]; escalationId: string }
  | { decision: "deny"; reasons: Reason[] };

/**
 * Issues a credential for the agent's live session, scoped to one connector and operations that
 * lie inside the session's intent (and the agent's envelope), living no longer than the session
 * and the configured maximum. A scope beyond the intent asks a person (an escalation); beyond
 * the envelope, or for a quarantined agent, it is denied. The secret is returned once and only
 * its hash is stored. Every outcome is audited in the same transaction.
 */
export async function issueJitCredential({ db, facts: cache }: WithFacts, agent: AgentCaller, input: IssueJit, meta: Meta): Promise<IssueResult> {
  const now = new Date();
  const facts = await cache.connector(input.connector, now);
  // A database connector with a Postgres backend gets a real login role (postgres-backend.ts).
  const [row] = facts.id ? await db.select({ kind: connectors.kind, config: connectors.config }).from(connectors).where(eq(connectors.id, facts.id)) : [];
  const backend = row ? postgresBackendOf(row) : null;
  if (backend) grantsFor(input.operations); // a scope the backend cannot grant is a 400 up front
  let created: { cfg: PostgresBackendConfig; role: string } | null = null;
  try {
    return await decideAndIssue(db, agent, input, meta, now, facts, backend, (c) => (created = c));
  } catch (err) {
    // Nothing was recorded, so nothing may exist: drop the role if it was made.
    const made = created as { cfg: PostgresBackendConfig; role: string } | null;
    if (made) await dropDatabaseRole(made.cfg, made.role).catch((e) => console.error("[warden] could not drop an unrecorded role:", (e as Error).message));
    throw err;
  }
}

async function decideAndIssue(
  db: Db,
  agent: AgentCaller,
  input: IssueJit,
  meta: Meta,
  now: Date,
  facts: ConnectorFacts,
  backend: PostgresBackendConfig | null,
  onRole: (c: { cfg: PostgresBackendConfig; role: string }) => void,
): Promise<IssueResult> {
  return db.transaction(async (tx) => {
    const [s] = await tx.select().from(sessions).where(and(eq(sessions.id, input.sessionId), eq(sessions.agentId, agent.id))).for("update");
    if (!s) throw notFound("Session");
    if (s.status !== "active" || s.expiresAt <= now) throw new DomainError("conflict", `The session is ${s.expiresAt <= now ? "expired" : s.status}; credentials are issued only for a live session`);
    const actions = input.operations.map((op) => {
      const [tool, operation] = op.split(".");
      return { connector: input.connector, tool, operation };
    });
    const resources = input.resources ?? [undefined];
    const reasons: Reason[] = [];
    let outcome: "allow" | "escalate" | "deny" = "allow";
    if (agent.status !== "active") {
      reasons.push({ code: "agent.quarantined", message: "The agent is quarantined" });
      outcome = "deny";
    }
    for (const a of actions) {
      if (!agent.envelope.actions.some((p) => matchesAction(p, a))) {
        reasons.push({ code: "agent.envelope_exceeded", message: `${actionName(a)} is outside what this agent may ever do` });
        outcome = "deny";
      }
    }
    if (outcome === "allow") {
      for (const a of actions) {
        for (const resource of resources) {
          const tool = facts.tools.get(a.tool);
          const check = checkAction(s.intent, { ...a, resource }, { defaultSensitivity: tool?.sensitivity ?? facts.sensitivity });
          for (const r of check.reasons) if (!reasons.some((x) => x.message === r.message)) reasons.push(r);
        }
      }
      if (!facts.managed) reasons.push({ code: "connector.unmanaged", message: `Nobody registered the connector "${input.connector}"` });
      if (reasons.length) outcome = "escalate";
    }
    const scope = { operations: input.operations, ...(input.resources ? { resources: input.resources } : {}) };
    const audit = { actor: { kind: "agent" as const, id: agent.id, label: agent.name }, agentId: agent.id, sessionId: s.id, requestId: meta.requestId, ip: meta.ip };

    if (outcome === "deny") {
      await recordAudit(tx, { ...audit, action: "credential.denied", target: { kind: "session", id: s.id }, detail: { connector: input.connector, scope, reasons: reasons.map((r) => r.code) } });
      return { decision: "deny", reasons };
    }
    const requestHash = actionHash({ connector: input.connector, tool: "credential", operation: `issue:${input.operations.join(",")}`, resource: input.resources?.join(",") });
    // A person's approval of exactly this request turns the escalate into an issue (once).
    const grant = outcome === "escalate" ? await takeGrant(tx, s.id, requestHash, now) : undefined;
    if (grant) outcome = "allow";
    if (outcome === "escalate") {
      const request = { connector: input.connector, tool: "credential", operation: "issue", scope };
      const [e] = await tx
        .insert(escalations)
        .values({
          kind: "action",
          sessionId: s.id,
          agentId: agent.id,
          action: request,
          actionHash: requestHash,
          ...escalationRisk({ sensitivity: facts.sensitivity, agentTier: agent.riskTier }),
          reasons,
          requestedBy: `agent:${agent.id}`,
          expiresAt: new Date(now.getTime() + escalationTtlMs()),
        })
        .returning({ id: escalations.id });
      await tx.update(sessions).set({ escalationCount: s.escalationCount + 1, lastActivityAt: now }).where(eq(sessions.id, s.id));
      await recordAudit(tx, { ...audit, action: "credential.escalated", target: { kind: "escalation", id: e.id }, detail: { connector: input.connector, scope, reasons: reasons.map((r) => r.code) } });
      return { decision: "escalate", reasons, escalationId: e.id };
    }

    const ttl = Math.min(input.ttlSeconds ?? DEFAULT_TTL_SECONDS, jitMaxTtlSeconds(), Math.floor((s.expiresAt.getTime() - now.getTime()) / 1000));
    const expiresAt = new Date(now.getTime() + ttl * 1000);
    // Either a Warden token for the tool to introspect, or a database login for the database.
    let secret: { token: string; hash: string; prefix: string };
    let dbRole: string | undefined;
    if (backend) {
      const r = await createDatabaseRole(backend, input.operations, expiresAt);
      onRole({ cfg: backend, role: r.role });
      secret = { token: r.connectionString, hash: hashSecret(r.password), prefix: r.role };
      dbRole = r.role;
    } else {
      secret = newSecret("jit");
    }
    const [c] = await tx
      .insert(credentials)
      .values({
        kind: backend ? "database_role" : "api_key",
        name: input.name ?? `${input.connector} for session ${s.id.slice(0, 8)}`,
        agentId: agent.id,
        connectorId: facts.id,
        sessionId: s.id,
        jit: true,
        scope,
        secretHash: secret.hash,
        prefix: secret.prefix,
        issuedAt: now,
        expiresAt,
        metadata: { issuedBy: "warden", ttlSeconds: ttl, ...(dbRole ? { backend: "postgres", dbRole } : {}) },
      })
      .returning({ id: credentials.id });
    await recordAudit(tx, {
      ...audit,
      action: "credential.issued",
      target: { kind: "credential", id: c.id },
      detail: { connector: input.connector, scope, prefix: secret.prefix, expiresAt: expiresAt.toISOString(), ttlSeconds: ttl, ...(grant ? { escalationId: grant.escalationId, grantId: grant.id } : {}) },
    });
    return {
      decision: "allow",
      credential: { id: c.id, prefix: secret.prefix, connector: input.connector, scope, expiresAt: expiresAt.toISOString(), sessionId: s.id },
      secret: secret.token,
    };
  });
}
