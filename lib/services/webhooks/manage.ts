import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { invalid, mapDbError, notFound } from "@/lib/errors";
import type { Db, Tx } from "@/lib/db/client";
import { getWebhook, publicWebhookColumns, type PublicWebhook } from "@/lib/db/queries/webhooks";
import { escalations, webhookDeliveries, webhooks } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { decryptSecret, encryptSecret, getWebhookKey, newWebhookSecret, secretHint } from "./crypto";
import { recordOutcome } from "./outcome";
import { postSigned, type FetchLike, type SendResult } from "./send";
import type { WebhookCreate, WebhookUpdate } from "@/lib/domain/webhooks/schemas";

const UNIQUE = { webhooks_name_key: "name" };
const WHAT = "Webhook";

/**
 * Chat webhooks (Slack, Teams) carry their token in the URL path, and the audit trail is exported
 * and kept for years: audit events name the URL's origin only.
 */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid)";
  }
}

const auditView = (w: Pick<PublicWebhook, "name" | "url" | "team" | "minRisk" | "enabled" | "secretHint">) => ({
  name: w.name,
  urlOrigin: urlOrigin(w.url),
  team: w.team,
  minRisk: w.minRisk,
  enabled: w.enabled,
  secretHint: w.secretHint,
});

export type WebhookWithSecret = { webhook: PublicWebhook; secret: string };

/** Adds a webhook. The signing secret is in this answer and nowhere else, ever. */
export async function createWebhook(db: Db, caller: Caller, input: WebhookCreate): Promise<WebhookWithSecret> {
  const secret = newWebhookSecret();
  const secretEnc = encryptSecret(secret, await getWebhookKey(db));
  try {
    return await db.transaction(async (tx) => {
      const [w] = await tx
        .insert(webhooks)
        .values({
          name: input.name,
          url: input.url,
          team: input.team,
          minRisk: input.minRisk,
          secretEnc,
          secretHint: secretHint(secret),
          createdBy: caller.actor.kind === "person" ? caller.actor.id : null,
        })
        .returning(publicWebhookColumns);
      await recordAudit(tx, { ...auditMeta(caller), action: "webhook.created", target: { kind: "webhook", id: w.id }, detail: auditView(w) });
      return { webhook: w, secret };
    });
  } catch (err) {
    mapDbError(err, UNIQUE);
  }
}

async function lock(tx: Tx, id: string) {
  const [w] = await tx.select().from(webhooks).where(eq(webhooks.id, id)).for("update");
  if (!w) throw notFound(WHAT);
  return w;
}

const FIELDS = ["name", "url", "team", "minRisk", "enabled"] as const;

/**
 * Edits a webhook. Disabling stops its notifications (pending retries are given up, each with a
 * notification.failed event) and needs a reason; the audit event records what changed.
 */
export async function updateWebhook(db: Db, caller: Caller, id: string, patch: WebhookUpdate): Promise<PublicWebhook> {
  try {
    return await db.transaction(async (tx) => {
      const before = await lock(tx, id);
      const changed = FIELDS.filter((f) => patch[f] !== undefined && patch[f] !== before[f]);
      if (changed.length === 0) return (await getWebhook(tx, id))!;
      const disabling = changed.includes("enabled") && patch.enabled === false;
      const reason = patch.reason?.trim() || null;
      if (disabling && (!reason || reason.length < 3)) throw invalid("reason", "give a reason (3+ characters) for disabling this webhook");

      const set = Object.fromEntries(changed.map((f) => [f, patch[f]]));
      const [after] = await tx
        .update(webhooks)
        .set({ ...set, updatedAt: new Date() })
        .where(eq(webhooks.id, id))
        .returning(publicWebhookColumns);
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      for (const f of changed) {
        changes[f] = f === "url" ? { before: urlOrigin(before.url), after: urlOrigin(after.url) } : { before: before[f], after: after[f] };
      }
      const action = !changed.includes("enabled") ? "webhook.updated" : after.enabled ? "webhook.enabled" : "webhook.disabled";
      await recordAudit(tx, {
        ...auditMeta(caller),
        action,
        target: { kind: "webhook", id },
        detail: { name: after.name, changes, ...(reason ? { reason } : {}) },
      });
      if (disabling) await giveUpPending(tx, after);
      return after;
    });
  } catch (err) {
    mapDbError(err, UNIQUE);
  }
}

/** Retries of a disabled webhook stop here, each on the record like any other final failure. */
async function giveUpPending(tx: Tx, w: PublicWebhook) {
  const pending = await tx
    .select({
      deliveryId: webhookDeliveries.id,
      escalationId: webhookDeliveries.escalationId,
      agentId: escalations.agentId,
      sessionId: escalations.sessionId,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
    })
    .from(webhookDeliveries)
    .innerJoin(escalations, eq(escalations.id, webhookDeliveries.escalationId))
    .where(and(eq(webhookDeliveries.webhookId, w.id), eq(webhookDeliveries.status, "pending")))
    .orderBy(webhookDeliveries.id)
    .for("update", { of: webhookDeliveries });
  for (const { lastStatusCode, ...d } of pending) {
    await recordOutcome(tx, { ...d, webhookId: w.id, webhookName: w.name }, {
      status: "failed",
      statusCode: lastStatusCode,
      error: "webhook disabled",
    });
  }
}

/** A new signing secret, in this answer only. The old one stops at once, retries included. */
export async function rotateWebhookSecret(db: Db, caller: Caller, id: string): Promise<WebhookWithSecret> {
  const secret = newWebhookSecret();
  const secretEnc = encryptSecret(secret, await getWebhookKey(db));
  return db.transaction(async (tx) => {
    const before = await lock(tx, id);
    const [w] = await tx
      .update(webhooks)
      .set({ secretEnc, secretHint: secretHint(secret), updatedAt: new Date() })
      .where(eq(webhooks.id, id))
      .returning(publicWebhookColumns);
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "webhook.secret_rotated",
      target: { kind: "webhook", id },
      detail: { name: w.name, before: before.secretHint, after: w.secretHint },
    });
    return { webhook: w, secret };
  });
}

export type TestResult = SendResult & { deliveryId: string };

/**
 * Sends a signed `ping` now (also to a disabled webhook: it is how an admin checks a receiver
 * before switching it on) and answers with what the receiver said. The ping is audited.
 */
export async function sendTestPing(db: Db, caller: Caller, id: string, fetchImpl: FetchLike = fetch): Promise<TestResult> {
  const [w] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  if (!w) throw notFound(WHAT);
  const deliveryId = randomUUID();
  const body = JSON.stringify({ event: "ping", deliveryId, occurredAt: new Date().toISOString(), webhook: { id: w.id, name: w.name } });
  let result: SendResult;
  try {
    const secret = decryptSecret(w.secretEnc, await getWebhookKey(db));
    result = await postSigned(fetchImpl, { url: w.url, secret, event: "ping", deliveryId, body });
  } catch {
    result = { ok: false, statusCode: null, error: "the signing secret cannot be decrypted (did the app secret change?): rotate it", durationMs: 0 };
  }
  await recordAudit(db, {
    ...auditMeta(caller),
    action: "webhook.tested",
    target: { kind: "webhook", id },
    detail: { name: w.name, deliveryId, ok: result.ok, statusCode: result.statusCode, error: result.error },
  });
  return { ...result, deliveryId };
}
