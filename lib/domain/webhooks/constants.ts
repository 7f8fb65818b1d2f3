// Plain option lists shared by the schemas and the admin page (no imports: safe in the browser).

/** Risk tiers in order (lib/db/schema/enums.ts riskTierEnum): a webhook's minRisk keeps this one and above. */
export const RISKS = ["low", "medium", "high"] as const;
export type Risk = (typeof RISKS)[number];

export const DELIVERY_STATUSES = ["pending", "sent", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Attempts before a delivery is given up as failed, and the wait after each failed one. */
export const MAX_ATTEMPTS = 6;
export const BACKOFF_SECONDS = [5, 30, 120, 600, 1800] as const;

/** How long one POST may take, headers and body. */
export const DELIVERY_TIMEOUT_MS = 5000;
