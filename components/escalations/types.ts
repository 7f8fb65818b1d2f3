// GET /api/v1/escalations/{id} as a person reads it (lib/services/escalations/view.ts). Declared
// here, apart from the service, so client code imports no server module; the detail page assigns
// the service's answer to it, so the compiler checks the two still agree.
import type { DiffLike, IntentLike, Kind, Scope } from "./ask";

export type EscalationView = {
  escalation: {
    id: string;
    kind: Kind;
    status: "pending" | "approved" | "denied" | "expired";
    risk: "low" | "medium" | "high";
    requiredApprovals: number;
    approvals: number;
    action: unknown;
    reasons: { code: string; message: string }[];
    diff: DiffLike[] | null;
    createdAt: string;
    expiresAt: string;
    resolvedAt: string | null;
    resolution: string | null;
    requestedBy: string | null;
  };
  votes: { userId: string; name: string; email: string; vote: "approve" | "deny"; scope: Scope | null; reason: string; createdAt: string }[];
  agent: { id: string; name: string; team: string; riskTier: "low" | "medium" | "high"; ownerId: string | null; ownerName: string | null } | null;
  session: { id: string; goal: string; status: string; intent: IntentLike; intentVersion: number; expiresAt: string } | null;
  recentDecisions: {
    id: string;
    createdAt: string;
    connector: string;
    tool: string;
    operation: string;
    resource: string | null;
    sensitivity: string | null;
    destination: string | null;
    outcome: string;
    reasons: { code: string; message: string }[];
    /** Set on the call that raised an escalation (not part of the documented contract; optional). */
    escalationId?: string | null;
  }[];
  grant: { id: string; scope: Scope; usesLeft: number | null; expiresAt: string; consumedAt: string | null } | null;
  viewer: { canDecide: boolean; blockedBy: string | null; alreadyVoted: boolean; needsPassword: boolean };
  scopes: Scope[];
};
