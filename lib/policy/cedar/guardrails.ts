// The policies that ship with Warden. Organisation guardrails are forbids on top of one baseline
// permit: whether the call is inside the agent's declared intent is checked before Cedar (decision
// step 3), so Cedar only has to say what is never acceptable, or acceptable only with a person.
//
// Annotation convention:
//   @escalate("true")  on a forbid: when it matches, the answer is `escalate` (a person decides)
//                      instead of `deny`. A plain forbid that also matches still wins (deny).
//                      `@escalate("false")` forces deny even when the record's onForbid is escalate.
//   @reason("...")     the message agents and approvers see when the forbid matches.
import type { PolicyInput } from "./engine";

export type Guardrail = { id: string; title: string; description: string; text: string };

export const GUARDRAILS: readonly Guardrail[] = [
  {
    id: "baseline-permit",
    title: "Baseline permit",
    description:
      "Permits every call that reached Cedar: intent, session and identity checks already ran. The guardrails below are forbids that carve exceptions out of it. Disabling it denies everything (nothing permits).",
    text: `permit(principal, action, resource);`,
  },
  {
    id: "restricted-data-stays-internal",
    title: "Restricted data never leaves to an external destination",
    description: "Denies any call that would send restricted data to a destination outside the organisation.",
    text: `@reason("restricted data may not go to an external destination")
forbid(principal, action, resource)
when { context.sensitivityRank >= 3 && context.destinationExternal };`,
  },
  {
    id: "low-tier-production-database-changes",
    title: "Low-tier agents need a person to change production databases",
    description:
      "A low-risk-tier agent that writes, deletes, administers or calls an unknown operation (the `mutate` action group) on a production database is escalated to an approver.",
    text: `@escalate("true")
@reason("a low-tier agent wants to change a production database")
forbid(principal, action in Warden::Action::"mutate", resource)
when {
  principal.riskTier == "low" &&
  resource.connector.kind == "database" &&
  resource.connector.environment == "production"
};`,
  },
  {
    id: "unmanaged-connector-needs-person",
    title: "Unmanaged connectors need a person",
    description: "Calls to a connector nobody registered (a shadow connector first seen in a tool call) are escalated to an approver.",
    text: `@escalate("true")
@reason("the connector is not managed (first seen in a tool call)")
forbid(principal, action, resource)
when { !resource.connector.managed };`,
  },
  {
    id: "inactive-agent-denied",
    title: "Quarantined and retired agents are denied",
    description:
      "Defence in depth: the session check already refuses quarantined and retired agents; this denies any agent whose status is not active even if that check were bypassed.",
    text: `@reason("the agent is not active (quarantined or retired)")
forbid(principal, action, resource)
unless { principal.status == "active" };`,
  },
  {
    id: "repeated-denials-escalate",
    title: "Repeated denials bring in a person",
    description:
      "After five denials in one session an agent may be probing its limits; every further call is escalated so a person looks at the session.",
    text: `@escalate("true")
@reason("five or more calls were denied in this session")
forbid(principal, action, resource)
when { context.denialCount >= 5 };`,
  },
];

/** The guardrails as engine input (escalation comes from the annotations, not the record). */
export function guardrailPolicies(): PolicyInput[] {
  return GUARDRAILS.map((g) => ({ id: g.id, text: g.text, onForbid: "deny", enabled: true }));
}
