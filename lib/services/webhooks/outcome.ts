import { and, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/client";
import { webhookDeliveries } from "@/lib/db/schema";

/** What a delivery is about, as claimed (attempts counts the attempt just made). */
export type DeliveryRef = {
  deliveryId: string;
  webhookId: string;
  webhookName: string;
  escalationId: string;
  agentId: string | null;
  sessionId: string | null;
  attempts: number;
};

export type Outcome =
  | { status: "sent" | "failed"; statusCode: number | null; error: string | null }
  | { status: "retry"; statusCode: number | null; error: string | null; nextAttemptAt: Date };

export const DISPATCHER_ACTOR = { kind: "system", label: "webhook dispatcher" } as const;

/**
 * Records one attempt's outcome. Applies only if the row is still pending at the attempt count
 * this caller claimed: if the lease ran out and another instance took the delivery over (or an
 * admin disabled the webhook meanwhile), the newer owner's record stands and this one is
 * dropped. A final outcome writes its audit event in the same transaction as the status.
 */
export async function recordOutcome(tx: Tx, ref: DeliveryRef, outcome: Outcome): Promise<boolean> {
  const now = new Date();
  const common = { lastStatusCode: outcome.statusCode, lastError: outcome.error };
  const set =
    outcome.status === "retry"
      ? { ...common, nextAttemptAt: outcome.nextAttemptAt }
      : outcome.status === "sent"
        ? { ...common, status: "sent", deliveredAt: now }
        : { ...common, status: "failed" };
  const updated = await tx
    .update(webhookDeliveries)
    .set(set)
    .where(and(eq(webhookDeliveries.id, ref.deliveryId), eq(webhookDeliveries.status, "pending"), eq(webhookDeliveries.attempts, ref.attempts)))
    .returning({ id: webhookDeliveries.id });
  if (updated.length === 0) return false;
  if (outcome.status === "retry") return true;
  await recordAudit(tx, {
    actor: DISPATCHER_ACTOR,
    action: outcome.status === "sent" ? "notification.sent" : "notification.failed",
    target: { kind: "escalation", id: ref.escalationId },
    agentId: ref.agentId,
    sessionId: ref.sessionId,
    occurredAt: now,
    detail: {
      webhookId: ref.webhookId,
      webhookName: ref.webhookName,
      deliveryId: ref.deliveryId,
      attempts: ref.attempts,
      statusCode: outcome.statusCode,
      error: outcome.error,
    },
  });
  return true;
}
