export const ROLES = ["admin", "analyst", "approver", "auditor"] as const;
export type Role = (typeof ROLES)[number];

/** Who may do what. Pages, API routes and UI buttons all read this one table. */
export const CAN = {
  readInventory: ["admin", "analyst", "approver", "auditor"],
  writeInventory: ["admin", "analyst"],
  manageConnectors: ["admin", "analyst"],
  revokeCredentials: ["admin", "analyst", "approver"],
  issueAgentKeys: ["admin", "analyst"],
  managePeople: ["admin"],
  // Trust configs decide which issuers may vouch for agents: a wrong one lets anyone in.
  manageIdentity: ["admin"],
  readAudit: ["admin", "analyst", "auditor"],
  // Acknowledge, resolve and assign findings: the people who watch the fleet.
  manageFindings: ["admin", "analyst"],
  readReports: ["admin", "auditor"],
  // Approve or deny escalations. Analysts watch the queue but do not decide it; separation of
  // duties (own agent, own request, two people for high risk) is enforced on top of this.
  decideEscalations: ["admin", "approver"],
  // File an intent change for a live session (a widening then waits for someone else).
  proposeIntentChanges: ["admin", "analyst", "approver"],
  // Outgoing webhooks send escalation details to an outside URL.
  manageWebhooks: ["admin"],
  readPolicies: ["admin", "analyst", "approver", "auditor"],
  // Policies decide every tool call of every agent: a wrong one permits or blocks the fleet.
  managePolicies: ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAN;

export function can(role: Role, capability: Capability): boolean {
  return (CAN[capability] as readonly Role[]).includes(role);
}
