// A session's span as the session page lists it (lib/db/queries/traces.ts selects it; the return
// type there makes the compiler check the two still agree).
export type SessionSpan = {
  id: string;
  traceId: string;
  spanId: string;
  name: string;
  kind: "tool_call" | "agent_turn" | "other";
  tool: string | null;
  connector: string | null;
  startedAt: Date;
  endedAt: Date | null;
  status: string;
  checked: boolean;
  decisionId: string | null;
  decisionOutcome: "allow" | "deny" | "escalate" | null;
  /** Unchecked past the grace period (a finding was raised). */
  flagged: boolean;
};
