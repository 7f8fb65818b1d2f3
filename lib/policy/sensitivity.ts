export const SENSITIVITIES = ["public", "internal", "confidential", "restricted"] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

/** Position on the ladder public < internal < confidential < restricted. */
export function sensitivityRank(s: Sensitivity): number {
  return SENSITIVITIES.indexOf(s);
}

export function exceeds(actual: Sensitivity, allowed: Sensitivity): boolean {
  return sensitivityRank(actual) > sensitivityRank(allowed);
}
