import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { hashSecret, looksLikeSecret } from "@/lib/auth/secrets";
import type { Db } from "@/lib/db/client";
import { agents, credentials, findings, trustConfigs } from "@/lib/db/schema";
import { verifyWorkloadToken, type TrustConfig } from "@/lib/identity/workload-token";
import { noteIfNeverIssued } from "./never-issued";
import { systemClock, type Clock } from "@/lib/clock";
import { TtlCache } from "@/lib/cache/ttl-cache";

export type AgentCaller = {
  id: string;
  name: string;
  identity: string;
  riskTier: "low" | "medium" | "high";
  status: "active" | "quarantined" | "retired";
  team: string;
  envelope: typeof agents.$inferSelect.envelope;
  via: "key" | "token";
  /** The bootstrap key used; re-checked when the decision commits, so a revoke is never missed. */
  credentialId?: string;
};

export type AgentAuthFailure = { code: string; identity?: string };

/** Warden's audience for workload tokens (a token must name it in `aud`). */
export function wardenAudience() {
  return process.env.WARDEN_AUDIENCE ?? "warden";
}

const agentColumns = {
  id: agents.id,
  name: agents.name,
  identity: agents.identity,
  riskTier: agents.riskTier,
  status: agents.status,
  team: agents.team,
  envelope: agents.envelope,
};

/**
 * Authenticates an agent from `Authorization: Bearer <bootstrap key | JWT-SVID | OIDC token>`.
 * Retired agents and anything unverifiable are refused; a quarantined agent authenticates (its
 * decisions are denies, with the reason) so that what it tries is still on the record.
 */
export async function authenticateAgent(db: Db, authorization: string | null, ip: string | null = null): Promise<AgentCaller | AgentAuthFailure> {
  const m = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  if (!m) return { code: "auth.missing" };
  const raw = m[1];
  if (looksLikeSecret(raw, "ak")) return byKey(db, raw, ip);
  if (raw.split(".").length === 3) return byToken(db, raw);
  return { code: "auth.malformed" };
}

async function byKey(db: Db, raw: string, ip: string | null): Promise<AgentCaller | AgentAuthFailure> {
  const now = new Date();
  const [row] = await db
    .select({ credentialId: credentials.id, lastUsedAt: credentials.lastUsedAt, ...agentColumns })
    .from(credentials)
    .innerJoin(agents, eq(agents.id, credentials.agentId))
    .where(
      and(
        eq(credentials.secretHash, hashSecret(raw)),
        eq(credentials.kind, "bootstrap_key"),
        isNull(credentials.revokedAt),
        or(isNull(credentials.expiresAt), gt(credentials.expiresAt, now)),
      ),
    );
  if (!row) {
    // Revoked, expired or someone else's kind of secret: refused. Never issued at all: a finding.
    await noteIfNeverIssued(db, raw, "agent key", ip);
    return { code: "auth.invalid_key" };
  }
  if (row.status === "retired") return { code: "auth.invalid_key" };
  // last_used_at at minute granularity: enough for stale-credential findings, no write per call.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    db.update(credentials).set({ lastUsedAt: now }).where(eq(credentials.id, row.credentialId)).catch(() => {});
  }
  const { credentialId, lastUsedAt: _l, ...agent } = row;
  return { ...agent, via: "key", credentialId };
}

async function byToken(db: Db, raw: string): Promise<AgentCaller | AgentAuthFailure> {
  const trust = (await db.select().from(trustConfigs)) as TrustConfig[];
  const found = new Map<string, AgentCaller>();
  const r = await verifyWorkloadToken(raw, {
    trust,
    audience: wardenAudience(),
    lookupAgent: async (identity) => {
      const [a] = await db.select(agentColumns).from(agents).where(eq(agents.identity, identity));
      if (!a || a.status === "retired") return null;
      found.set(a.id, { ...a, via: "token" });
      return { id: a.id };
    },
  });
  if (!r.ok) {
    if (r.code === "token.unknown_identity" && r.identity) await recordUnknownIdentity(db, r.identity, r.trustId);
    return { code: r.code, identity: r.identity };
  }
  return found.get(r.agentId)!;
}

/** A validly signed workload nobody registered: refused, and an analyst should know. */
async function recordUnknownIdentity(db: Db, identity: string, trustId?: string) {
  await db
    .insert(findings)
    .values({
      kind: "unknown_workload_identity",
      severity: "high",
      title: `Unregistered workload identity presented a valid token: ${identity.slice(0, 200)}`,
      detail: { identity, trustId },
      frameworkRefs: ["OWASP-ASI03", "OWASP-NHI4"], // same notation as lib/demo/fleet.ts FINDING_REFS
      dedupeKey: `unknown_identity:${identity}`,
    })
    .onConflictDoUpdate({
      target: findings.dedupeKey,
      set: { occurrences: sql`${findings.occurrences} + 1`, lastSeenAt: new Date(), updatedAt: new Date() },
    });
}

/**
 * For the decision endpoints only: a successful authentication is reused for a moment. Safe
 * there because the decision's commit re-checks the credential and the agent (a revoked key or
 * a quarantine that landed meanwhile turns the answer into deny); every other endpoint
 * authenticates against the database each time. One per runtime (lib/runtime.ts).
 */
export class AgentAuthCache {
  private cache: TtlCache<AgentCaller>;

  constructor(
    private db: Db,
    clock: Clock = systemClock,
  ) {
    this.cache = new TtlCache<AgentCaller>(AUTH_TTL_MS, clock);
  }

  /**
   * The agent a recent successful authentication with this header found, without a promise (the
   * decision path's usual case); else the database's answer. A cached entry is renewed in the
   * background before it expires; a renewal that fails authentication drops it.
   */
  authenticate(authorization: string | null, ip: string | null = null): AgentCaller | Promise<AgentCaller | AgentAuthFailure> {
    const key = authorization ? hashSecret(authorization) : undefined;
    const hit = key && this.cache.get(key, undefined, () => authenticateAgent(this.db, authorization, ip).then((r) => ("id" in r ? r : undefined)));
    return hit || this.read(authorization, ip);
  }

  private async read(authorization: string | null, ip: string | null): Promise<AgentCaller | AgentAuthFailure> {
    const read = this.cache.begin();
    const r = await authenticateAgent(this.db, authorization, ip);
    if ("id" in r && authorization) this.cache.set(hashSecret(authorization), r, read);
    return r;
  }
}

const AUTH_TTL_MS = 2000;
