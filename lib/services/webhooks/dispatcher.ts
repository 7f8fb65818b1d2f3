import { sql } from "drizzle-orm";
import { backgroundFailure } from "@/lib/db/faults";
import { rows, type Db } from "@/lib/db/client";
import type { ChangeFeed, Change } from "@/lib/realtime/hub";
import { BACKOFF_SECONDS, MAX_ATTEMPTS } from "@/lib/domain/webhooks/constants";
import { publicBaseUrl } from "@/lib/domain/public-url";
import { decryptSecret, getWebhookKey } from "./crypto";
import { recordOutcome, type DeliveryRef, type Outcome } from "./outcome";
import { postSigned, type FetchLike } from "./send";

export const ESCALATION_CREATED = "escalation.created";
const BATCH = 20;
// A claimed delivery is hidden from other instances this long: far more than one POST (5 s)
// takes, so only a crashed instance's claims are ever taken over.
const LEASE_SECONDS = 60;

/**
 * Where the payload's link points: the escalation's page in this Warden. No request to read a
 * Host from, so the configured public URL (README `WARDEN_PUBLIC_URL`), else localhost.
 */
export const consoleBaseUrl = (): string => publicBaseUrl({}, process.env);

const iso = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * Queues an `escalation.created` delivery for every enabled webhook and every pending escalation
 * that matches it (team, minimum risk), raised after the webhook was added and within the last
 * day. One statement; the unique (webhook, escalation, event) key makes it safe to run on every
 * instance at once and again and again: each pair is queued exactly once. It re-reads recent
 * escalations instead of keeping a cursor, so one whose transaction commits late is not missed.
 * The payload carries the escalation as recorded (its action is connector/tool/operation/
 * resource, never a tool call's arguments).
 */
export async function enqueueEscalationNotifications(db: Db): Promise<number> {
  const link = `${consoleBaseUrl()}/escalations/`;
  const r = await db.execute(sql`
    with c as materialized (
      select gen_random_uuid() as delivery_id, w.id as webhook_id, e.id as escalation_id,
             e.kind, e.risk, e.required_approvals, e.status, e.session_id, e.action, e.reasons, e.diff,
             e.created_at, e.expires_at, a.id as agent_id, a.name as agent_name, a.team as agent_team
      from webhooks w
      join escalations e on e.status = 'pending' and e.created_at >= w.created_at and e.created_at > now() - interval '24 hours'
      join agents a on a.id = e.agent_id
      where w.enabled
        and (w.team is null or w.team = a.team)
        and (w.min_risk is null or e.risk >= w.min_risk)
        and not exists (
          select 1 from webhook_deliveries d
          where d.webhook_id = w.id and d.escalation_id = e.id and d.event = ${ESCALATION_CREATED}
        )
    )
    insert into webhook_deliveries (id, webhook_id, escalation_id, event, payload)
    select delivery_id, webhook_id, escalation_id, ${ESCALATION_CREATED}, jsonb_build_object(
      'event', ${ESCALATION_CREATED}::text,
      'deliveryId', delivery_id,
      'occurredAt', ${iso("created_at")},
      'escalation', jsonb_build_object(
        'id', escalation_id, 'kind', kind, 'risk', risk, 'requiredApprovals', required_approvals, 'status', status,
        'agent', jsonb_build_object('id', agent_id, 'name', agent_name, 'team', agent_team),
        'sessionId', session_id, 'action', action, 'reasons', reasons, 'diff', diff,
        'createdAt', ${iso("created_at")}, 'expiresAt', ${iso("expires_at")},
        'url', ${link}::text || escalation_id::text
      )
    )
    from c
    on conflict (webhook_id, escalation_id, event) do nothing
    returning id`);
  return rows(r).length;
}

type Claimed = {
  id: string;
  webhook_id: string;
  escalation_id: string;
  event: string;
  payload: Record<string, unknown>;
  attempts: number;
  name: string;
  url: string;
  secret_enc: string;
  enabled: boolean;
  agent_id: string | null;
  session_id: string | null;
};

/**
 * Sends the deliveries that are due, at most 20 per call. The claim is one UPDATE that skips rows
 * another instance is claiming (SKIP LOCKED) and pushes next_attempt_at out as a lease, counting
 * the attempt before it is made: two instances (or two calls) never send the same delivery at
 * once, and one that crashed mid-send is retried when its lease runs out.
 */
export async function deliverDue(db: Db, fetchImpl: FetchLike = fetch): Promise<{ claimed: number; sent: number; failed: number }> {
  const claimed = rows<Claimed>(
    await db.execute(sql`
      update webhook_deliveries d
      set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
      from webhooks w, escalations e
      where w.id = d.webhook_id and e.id = d.escalation_id
        and d.id in (
          select id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= now()
          order by next_attempt_at
          limit ${BATCH}
          for update skip locked
        )
      returning d.id, d.webhook_id, d.escalation_id, d.event, d.payload, d.attempts,
                w.name, w.url, w.secret_enc, w.enabled, e.agent_id, e.session_id`),
  );
  if (claimed.length === 0) return { claimed: 0, sent: 0, failed: 0 };
  const key = await getWebhookKey(db);
  const outcomes = await Promise.all(claimed.map((d) => attempt(db, fetchImpl, key, d)));
  return {
    claimed: claimed.length,
    sent: outcomes.filter((o) => o === "sent").length,
    failed: outcomes.filter((o) => o === "failed").length,
  };
}

async function attempt(db: Db, fetchImpl: FetchLike, key: Buffer, d: Claimed): Promise<Outcome["status"]> {
  const ref: DeliveryRef = {
    deliveryId: d.id,
    webhookId: d.webhook_id,
    webhookName: d.name,
    escalationId: d.escalation_id,
    agentId: d.agent_id,
    sessionId: d.session_id,
    attempts: d.attempts,
  };
  let outcome: Outcome;
  if (!d.enabled) {
    // Queued in the moment the webhook was being disabled: give it up like the others.
    outcome = { status: "failed", statusCode: null, error: "webhook disabled" };
  } else {
    let secret: string | null = null;
    try {
      secret = decryptSecret(d.secret_enc, key);
    } catch {}
    const result = secret
      ? await postSigned(fetchImpl, { url: d.url, secret, event: d.event, deliveryId: d.id, body: bodyOf(d.payload) })
      : { ok: false, statusCode: null, error: "the signing secret cannot be decrypted (did the app secret change?): rotate it" };
    outcome = result.ok
      ? { status: "sent", statusCode: result.statusCode, error: null }
      : d.attempts >= MAX_ATTEMPTS
        ? { status: "failed", statusCode: result.statusCode, error: result.error }
        : { status: "retry", statusCode: result.statusCode, error: result.error, nextAttemptAt: retryAt(d.attempts) };
  }
  try {
    await db.transaction((tx) => recordOutcome(tx, ref, outcome));
  } catch (err) {
    // The lease runs out and the delivery is tried again: at least once, never lost.
    console.error(`[warden] could not record webhook delivery ${d.id}:`, (err as Error).message);
  }
  return outcome.status;
}

/** When to try again after `attempts` failed tries: 5 s, 30 s, 2 min, 10 min, 30 min. */
export function retryAt(attempts: number, now = Date.now()): Date {
  const wait = BACKOFF_SECONDS[Math.min(Math.max(attempts, 1), BACKOFF_SECONDS.length) - 1];
  return new Date(now + wait * 1000);
}

const TOP = ["event", "deliveryId", "occurredAt", "escalation"];
const ESCALATION = ["id", "kind", "risk", "requiredApprovals", "status", "agent", "sessionId", "action", "reasons", "diff", "createdAt", "expiresAt", "url"];

function ordered(obj: Record<string, unknown>, keys: string[]) {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in obj) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}

/** The exact bytes sent and signed. jsonb forgets key order; this puts the documented order back. */
export function bodyOf(payload: Record<string, unknown>): string {
  const top = ordered(payload, TOP);
  if (top.escalation && typeof top.escalation === "object") top.escalation = ordered(top.escalation as Record<string, unknown>, ESCALATION);
  return JSON.stringify(top);
}

// Audit actions written when an escalation is raised: they wake the dispatcher at once instead of
// at its next tick (decision.escalate, credential.escalated, session.pending, intent widenings).
const RAISES = /escalat|^session\.pending$|^session\.intent_widening_requested$/;
export const raisesEscalation = (c: Pick<Change, "actions">) => c.actions.some((a) => RAISES.test(a));

/**
 * Queues and sends notifications every WARDEN_WEBHOOK_SECONDS (default 2) in the background of
 * this process (the runtime starts it once), and right away when the change feed reports a new
 * escalation. Runs never overlap; a wake-up during a run makes one more run after it. Errors
 * are logged: the next run simply tries again.
 */
export function startWebhookDispatcher(
  db: Db,
  feed: Pick<ChangeFeed, "subscribe">,
  seconds = Number(process.env.WARDEN_WEBHOOK_SECONDS ?? 2),
  /** The database is unreachable: told once by the runtime (lib/db/availability.ts), not logged per pass. */
  onOutage?: (err: unknown) => void,
): () => void {
  if (!(seconds > 0)) return () => {};
  let running = false;
  let again = false;
  const run = async () => {
    await enqueueEscalationNotifications(db);
    // A full batch means more may be due: keep going, within reason, before the next tick.
    for (let i = 0; i < 5; i++) if ((await deliverDue(db)).claimed < BATCH) break;
  };
  const tick = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    run()
      .catch(backgroundFailure("webhook dispatch", onOutage))
      .finally(() => {
        running = false;
        if (again) tick();
      });
  };
  const every = setInterval(tick, seconds * 1000);
  every.unref?.();
  let unsubscribe: (() => void) | undefined;
  feed.subscribe((c) => raisesEscalation(c) && tick()).then(
    (u) => (unsubscribe = u),
    (err) => console.error("[warden] webhook dispatcher runs on its timer only; change feed unavailable:", (err as Error).message),
  );
  return () => {
    clearInterval(every);
    unsubscribe?.();
  };
}
