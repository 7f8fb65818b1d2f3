// The nav badge's counts of live pending escalations (lib/db/queries/escalations.ts computes them).
export type EscalationSummary = { pending: number; pendingHighRisk: number };
