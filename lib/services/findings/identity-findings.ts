import type { FindingFix } from "@/lib/domain/findings";
import type { IdentityHygieneOptions } from "@/lib/domain/identity-hygiene";
import type { NewFinding } from "./raise";

// The identity-hygiene findings as they are raised: key, severity, title, detail and the fix.
// Pure over the rows identity-hygiene.ts selects, so each wording and each fix is unit-tested.
// Titles name no day counts: an open finding is refreshed without rewriting it (identity-hygiene.ts),
// so everything in it must stay true while the condition holds.

/** Dedupe keys start with this, so a pass only ever resolves what a pass raised. */
export const IDHYG_PREFIX = "idhyg:";
export const IDENTITY_KINDS = ["agent_orphaned", "agent_dormant", "agent_key_stale"] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
/** The key of each kind's finding: one per agent, and for a stale key one per key. */
export const identityKey = (kind: IdentityKind, subjectId: string) => `${IDHYG_PREFIX}${kind}:${subjectId}`;

export type OrphanRow = {
  id: string;
  name: string;
  risk_tier: string;
  owner_id: string | null;
  /** Whether owner_id names a person on record: Warden disables people, never deletes them, but the table may be changed by hand. */
  owner_found: boolean;
  owner_name: string | null;
  owner_disabled_at: Date | string | null;
};
export type DormantRow = { id: string; name: string; created_at: Date | string; last_session_at: Date | string | null; live_credentials: number };
export type StaleKeyRow = { credential_id: string; credential_name: string; prefix: string | null; issued_at: Date | string; expires_at: Date | string | null; agent_id: string; agent_name: string };

const iso = (v: Date | string) => new Date(v).toISOString();
const day = (v: Date | string) => iso(v).slice(0, 10);

export const fixes = {
  assignOwner: (agentId: string): FindingFix => ({ action: "assign_owner", label: "Assign an owner", href: `/agents/${agentId}/edit`, api: [`PATCH /api/v1/agents/${agentId}`] }),
  retire: (agentId: string): FindingFix => ({ action: "retire", label: "Retire the agent", href: `/agents/${agentId}`, api: [`POST /api/v1/agents/${agentId}/retire`] }),
  revokeCredentials: (agentId: string): FindingFix => ({
    action: "revoke_credentials",
    label: "Revoke its credentials",
    href: `/agents/${agentId}#credentials`,
    api: [`POST /api/v1/agents/${agentId}/revoke-credentials`],
  }),
  // Rotation is two steps: a new key first, so the agent is never left without one.
  rotateKey: (agentId: string, credentialId: string): FindingFix => ({
    action: "rotate_key",
    label: "Rotate the key",
    href: `/agents/${agentId}#credentials`,
    api: [`POST /api/v1/agents/${agentId}/keys`, `POST /api/v1/credentials/${credentialId}/revoke`],
  }),
};

/** An agent nobody answers for: no owner, or an owner who is disabled or gone. */
export function orphanedFinding(a: OrphanRow): NewFinding {
  const why = a.owner_id === null ? "none" : !a.owner_found ? "removed" : "disabled";
  const title =
    why === "none" ? `Orphaned agent: ${a.name} has no owner` : why === "removed" ? `Orphaned agent: ${a.name}'s owner no longer exists` : `Orphaned agent: ${a.name}'s owner ${a.owner_name} is disabled`;
  return {
    kind: "agent_orphaned",
    // Nobody is accountable for it, and a high-risk agent is the one that most needs somebody.
    severity: a.risk_tier === "high" ? "high" : "medium",
    key: identityKey("agent_orphaned", a.id),
    agentId: a.id,
    title,
    detail: {
      owner: why,
      ownerId: a.owner_id,
      ownerName: a.owner_name,
      ownerDisabledAt: a.owner_disabled_at === null ? null : iso(a.owner_disabled_at),
      fix: [fixes.assignOwner(a.id), fixes.retire(a.id)],
    },
  };
}

/** An agent that stopped working but can still get in. */
export function dormantFinding(a: DormantRow, o: IdentityHygieneOptions): NewFinding {
  const since = a.last_session_at === null ? `no session since it was registered on ${day(a.created_at)}` : `no session since ${day(a.last_session_at)}`;
  return {
    kind: "agent_dormant",
    severity: "medium",
    key: identityKey("agent_dormant", a.id),
    agentId: a.id,
    title: `Dormant agent: ${a.name} has had ${since} and still holds live credentials`,
    detail: {
      dormantDays: o.dormantDays,
      lastSessionAt: a.last_session_at === null ? null : iso(a.last_session_at),
      registeredAt: iso(a.created_at),
      liveCredentialsWhenRaised: Number(a.live_credentials),
      fix: [fixes.retire(a.id), fixes.revokeCredentials(a.id)],
    },
  };
}

/** The one key a key-only agent has, older than the rotation limit. */
export function staleKeyFinding(k: StaleKeyRow, o: IdentityHygieneOptions): NewFinding {
  return {
    kind: "agent_key_stale",
    severity: "medium",
    key: identityKey("agent_key_stale", k.credential_id),
    agentId: k.agent_id,
    credentialId: k.credential_id,
    title: `Key not rotated in ${o.keyMaxAgeDays} days: ${k.agent_name}'s ${k.credential_name} (issued ${day(k.issued_at)}) is its only way to authenticate`,
    detail: {
      keyMaxAgeDays: o.keyMaxAgeDays,
      prefix: k.prefix,
      issuedAt: iso(k.issued_at),
      expiresAt: k.expires_at === null ? null : iso(k.expires_at),
      fix: [fixes.rotateKey(k.agent_id, k.credential_id), fixes.retire(k.agent_id)],
    },
  };
}
