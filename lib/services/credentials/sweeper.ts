import { and, isNull, lte, sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { backgroundFailure } from "@/lib/db/faults";
import { credentials } from "@/lib/db/schema";
import { identityHygieneFromEnv, type IdentityHygieneOptions } from "@/lib/domain/identity-hygiene";
import { detectCredentialFindings } from "../findings/credential-hygiene";
import { detectIdentityFindings } from "../findings/identity-hygiene";
import { detectSessionFindings } from "../findings/session-detectors";
import { dropRetiredDatabaseRoles } from "./postgres-backend";
import { expireEscalations } from "../escalations/decide";
import { reconcileTraceSpans } from "../telemetry/settle";

const BATCH = 500;
const DETECTOR_OVERLAP_MS = 15_000;

/**
 * One pass of the credential sweeper. Expiry itself needs no sweeper (every check compares
 * expires_at with the clock); this puts each expiry on the record once (an audit event, so it
 * shows on the session timeline) and drops the database roles of expired or revoked
 * credentials that are still there. Safe to run on several instances at once: the marking is
 * one conditional UPDATE, and dropping a role that is gone is a no-op.
 */
export async function sweepCredentials(db: Db, now = new Date()): Promise<{ expired: number; rolesDropped: number }> {
  const expired = await db.transaction(async (tx) => {
    const rows = await tx
      .update(credentials)
      .set({ metadata: sql`${credentials.metadata} || ${JSON.stringify({ expiryRecordedAt: now.toISOString() })}::jsonb` })
      .where(
        and(
          lte(credentials.expiresAt, now),
          isNull(credentials.revokedAt),
          sql`not (${credentials.metadata} ? 'expiryRecordedAt')`,
          sql`${credentials.id} in (select id from credentials where expires_at <= ${now.toISOString()}::timestamptz and revoked_at is null and not (metadata ? 'expiryRecordedAt') limit ${BATCH} for update skip locked)`,
        ),
      )
      .returning({ id: credentials.id, agentId: credentials.agentId, sessionId: credentials.sessionId, kind: credentials.kind, prefix: credentials.prefix, expiresAt: credentials.expiresAt });
    for (const c of rows) {
      await recordAudit(tx, {
        actor: { kind: "system", label: "credential sweeper" },
        action: "credential.expired",
        target: { kind: "credential", id: c.id },
        agentId: c.agentId,
        sessionId: c.sessionId,
        detail: { kind: c.kind, prefix: c.prefix, expiresAt: c.expiresAt?.toISOString() ?? null },
      });
    }
    return rows.length;
  });
  const rolesDropped = await dropRetiredDatabaseRoles(db);
  return { expired, rolesDropped };
}

/**
 * Runs the sweeper, escalation expiry, the behaviour detectors (lib/services/findings/session-detectors.ts)
 * and the trace reconciler (lib/services/telemetry/settle.ts)
 * every `seconds` in the background of this process (the runtime starts it once), and the
 * standing-privilege detectors (credential-hygiene.ts, identity-hygiene.ts) at start and then
 * every WARDEN_HYGIENE_MINUTES (default 10).
 */
export function startCredentialSweeper(
  db: Db,
  seconds = Number(process.env.WARDEN_SWEEP_SECONDS ?? 30),
  /** The database is unreachable: told once by the runtime (lib/db/availability.ts), not logged per pass. */
  onOutage?: (err: unknown) => void,
  /** WARDEN_DORMANT_DAYS / WARDEN_KEY_MAX_AGE_DAYS, validated at start (lib/startup.ts). */
  identity: IdentityHygieneOptions = identityHygieneFromEnv(),
): () => void {
  if (!(seconds > 0)) return () => {};
  const hygieneEveryMs = Number(process.env.WARDEN_HYGIENE_MINUTES ?? 10) * 60_000;
  let lastHygiene = 0;
  // Behaviour detectors look back over what happened since the previous pass, with an overlap
  // (their findings are keyed, so seeing something twice only refreshes it). A decision is
  // stamped by its instance's clock moments before the group writer commits it, so the overlap
  // covers that lag and clock skew between instances; a decision that cannot be written is
  // never written later (its answer was a deny). It was a minute, which made every pass recount
  // a minute of decisions for nothing.
  let detectedUpTo = Date.now() - 10 * 60_000;
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    const hygiene = Date.now() - lastHygiene >= hygieneEveryMs;
    if (hygiene) lastHygiene = Date.now();
    const now = new Date();
    sweepCredentials(db)
      // Unanswered escalations expire here too (they count as denied from their expiry on).
      .then(() => expireEscalations(db))
      .then(() => detectSessionFindings(db, new Date(detectedUpTo - DETECTOR_OVERLAP_MS), now))
      .then(() => (detectedUpTo = now.getTime()))
      // Tool calls from agents' traces that no decision has joined yet: joined if one has
      // committed since, flagged as a bypass once a minute old (telemetry/settle.ts).
      .then(() => reconcileTraceSpans(db))
      .then(() => (hygiene ? detectCredentialFindings(db) : undefined))
      .then(() => (hygiene ? detectIdentityFindings(db, new Date(), identity) : undefined))
      .catch(backgroundFailure("credential sweep", onOutage))
      .finally(() => (running = false));
  };
  const every = setInterval(tick, seconds * 1000);
  every.unref?.();
  const first = setTimeout(tick, 2000);
  first.unref?.();
  return () => {
    clearInterval(every);
    clearTimeout(first);
  };
}
