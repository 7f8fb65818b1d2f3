// Webhooks and their deliveries as the admin pages show them (no secret, no payload). Types only,
// so the browser's components need not import the data layer that produces them.
export type PublicWebhook = {
  id: string;
  name: string;
  url: string;
  secretHint: string;
  team: string | null;
  minRisk: "low" | "medium" | "high" | null;
  enabled: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type LastDelivery = { status: string; attempts: number; lastStatusCode: number | null; at: Date };
export type WebhookRow = PublicWebhook & { lastDelivery: LastDelivery | null };

export type DeliveryRow = {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
  escalation: { id: string; kind: string; risk: string; agentName: string };
};
