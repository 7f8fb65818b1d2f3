import { desc, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import type { DeliveryRow, PublicWebhook, WebhookRow } from "@/lib/domain/webhooks/views";
import { agents, escalations, webhookDeliveries, webhooks } from "@/lib/db/schema";

// Every read that leaves this file omits secret_enc: the secret is shown once, at creation or
// rotation, and never again.
export const publicWebhookColumns = {
  id: webhooks.id,
  name: webhooks.name,
  url: webhooks.url,
  secretHint: webhooks.secretHint,
  team: webhooks.team,
  minRisk: webhooks.minRisk,
  enabled: webhooks.enabled,
  createdBy: webhooks.createdBy,
  createdAt: webhooks.createdAt,
  updatedAt: webhooks.updatedAt,
};

export type { DeliveryRow, LastDelivery, PublicWebhook, WebhookRow } from "@/lib/domain/webhooks/views";

export async function getWebhook(db: Executor, id: string): Promise<PublicWebhook | undefined> {
  const [w] = await db.select(publicWebhookColumns).from(webhooks).where(eq(webhooks.id, id));
  return w;
}

/** Every webhook (an organisation has a handful), by name, each with its latest delivery. */
export async function listWebhooks(db: Executor): Promise<{ items: WebhookRow[] }> {
  const items = await db.select(publicWebhookColumns).from(webhooks).orderBy(webhooks.name);
  if (items.length === 0) return { items: [] };
  const last = await db
    .selectDistinctOn([webhookDeliveries.webhookId], {
      webhookId: webhookDeliveries.webhookId,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      at: sql<Date>`coalesce(${webhookDeliveries.deliveredAt}, ${webhookDeliveries.createdAt})`.mapWith(webhookDeliveries.createdAt),
    })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.webhookId, items.map((w) => w.id)))
    .orderBy(webhookDeliveries.webhookId, desc(webhookDeliveries.createdAt));
  const byId = new Map(last.map(({ webhookId, ...d }) => [webhookId, d]));
  return { items: items.map((w) => ({ ...w, lastDelivery: byId.get(w.id) ?? null })) };
}

/** A webhook's most recent deliveries, newest first, with what each was about (not the payload). */
export async function listDeliveries(db: Executor, webhookId: string, limit = 20): Promise<{ items: DeliveryRow[] }> {
  const r = await db
    .select({
      id: webhookDeliveries.id,
      event: webhookDeliveries.event,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
      escalationId: escalations.id,
      kind: escalations.kind,
      risk: escalations.risk,
      agentName: agents.name,
    })
    .from(webhookDeliveries)
    .innerJoin(escalations, eq(escalations.id, webhookDeliveries.escalationId))
    .innerJoin(agents, eq(agents.id, escalations.agentId))
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(limit);
  return {
    items: r.map(({ escalationId, kind, risk, agentName, ...d }) => ({ ...d, escalation: { id: escalationId, kind, risk, agentName } })),
  };
}
