import type { ActionShape } from "@/lib/db/schema/decisions";
import type { Intent } from "@/lib/db/schema/sessions";
import { isExternalDestination } from "./globs";
import { actionName } from "./intent";
import { exceeds, type Sensitivity } from "./sensitivity";

export type RiskTier = "low" | "medium" | "high";
export type EscalationRisk = { risk: RiskTier; requiredApprovals: 1 | 2 };

/**
 * What an approval would let through, rated once for every kind of escalation. High risk —
 * restricted data, data leaving for an external destination, or an agent an admin rated high —
 * takes two different people, and each re-enters their password (lib/services/escalations).
 */
export function escalationRisk(input: { sensitivity?: string; destinations?: readonly string[]; agentTier: RiskTier }): EscalationRisk {
  const high = input.sensitivity === "restricted" || (input.destinations ?? []).some((d) => isExternalDestination(d)) || input.agentTier === "high";
  return high ? { risk: "high", requiredApprovals: 2 } : { risk: input.agentTier, requiredApprovals: 1 };
}

export const actionRisk = (a: { sensitivity?: string; destination?: string | null }, agentTier: RiskTier) =>
  escalationRisk({ sensitivity: a.sensitivity, destinations: a.destination ? [a.destination] : [], agentTier });

export const intentRisk = (i: Pick<Intent, "maxSensitivity" | "destinations">, agentTier: RiskTier) =>
  escalationRisk({ sensitivity: i.maxSensitivity, destinations: i.destinations ?? [], agentTier });

/**
 * The smallest widening of an intent that admits one exact action ("amend the intent"
 * approval scope): its `connector:tool.operation`, its resource (only when the intent lists
 * resources at all), its sensitivity if higher, and its destination. Nothing else grows.
 */
export function amendIntentFor(intent: Intent, action: ActionShape): Intent {
  const name = actionName(action);
  const next: Intent = { ...intent, actions: intent.actions.includes(name) ? intent.actions : [...intent.actions, name] };
  if (intent.resources && action.resource && !intent.resources.includes(action.resource)) next.resources = [...intent.resources, action.resource];
  const s = action.sensitivity as Sensitivity | undefined;
  if (s && exceeds(s, intent.maxSensitivity)) next.maxSensitivity = s;
  if (action.destination && !(intent.destinations ?? []).includes(action.destination)) next.destinations = [...(intent.destinations ?? []), action.destination];
  return next;
}
