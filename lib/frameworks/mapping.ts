// Which Warden controls (./controls.ts) address which framework item, and how, in one sentence.
// Mapped honestly: an item Warden does not address is simply absent and shows as a gap;
// `partial` says what part of an item lies outside Warden. Detector controls are not listed by
// hand: they come from FINDING_REFS (lib/frameworks/finding-refs.ts), so the findings pages and
// the reports can never disagree about which items a finding relates to.
import type { ReportFrameworkId } from "@/lib/frameworks/types";
import { FINDING_REFS } from "@/lib/frameworks/finding-refs";
import { FRAMEWORKS, refFor, resolveRef } from "./catalog";
import { DETECTORS, DETECTOR_KINDS, detectorControlId } from "./controls";

export type ControlLink = { control: string; how: string };
export type MappingEntry = { controls: ControlLink[]; partial?: string };
type Entry = { c: [control: string, how: string][]; partial?: string };

const ASI: Record<string, Entry> = {
  ASI01: { c: [
    ["intent-binding", "A hijacked agent's calls outside the intent it declared are denied or escalated, with the differing fields shown."],
    ["per-call-authorization", "Every call the redirected agent attempts is decided before it runs, inside its baseline envelope."],
    ["approvals", "Widening a session's goal or intent needs a person, so a hijack cannot silently rewrite the task."],
  ] },
  ASI02: { c: [
    ["per-call-authorization", "Each tool call is authorized individually, so an allowed tool can still be refused for a given operation or resource."],
    ["intent-binding", "Operations, resources, data sensitivity and destinations outside the session's intent are refused."],
    ["guardrail.restricted-data-stays-internal", "Blocks tool calls that would send restricted data to an external destination."],
    ["guardrail.low-tier-production-database-changes", "Puts a person in front of destructive database operations by low-tier agents."],
    ["approvals", "Risky calls wait for an approver who sees the exact call."],
  ] },
  ASI03: { c: [
    ["workload-identity", "Agents prove who they are with verified SPIFFE or OIDC tokens instead of shared or borrowed secrets."],
    ["jit-credentials", "Credentials are issued per session and scope and expire with it, so none are cached and reused beyond the task."],
    ["delegation-containment", "A delegated session can never hold more than the session that delegated to it."],
    ["approvals", "An approval grants only the exact action (once or for the session), never a broader role."],
    ["revocation", "Credentials and grants end with the session and can be revoked at once."],
  ] },
  ASI04: { partial: "Warden governs which connectors and MCP servers agents call; it does not verify models, packages or prompt templates.", c: [
    ["unmanaged-connector-detection", "A tool or MCP server nobody registered is recorded as unmanaged the first time an agent calls it."],
    ["guardrail.unmanaged-connector-needs-person", "Calls to unmanaged connectors are escalated to a person by default."],
    ["inventory", "Registered connectors carry an owner, sensitivity and environment, so the runtime dependency set is known."],
  ] },
  ASI05: { partial: "Warden can refuse or escalate calls to code-execution tools but does not sandbox or inspect the code that runs.", c: [
    ["per-call-authorization", "Calls to shell, code or package-install tools are decided like any other and can be denied outside the envelope."],
    ["intent-binding", "A session that did not declare code execution is refused when it tries it."],
  ] },
  ASI07: { partial: "Warden bounds what delegated agents may do; it does not authenticate or encrypt the messages agents exchange.", c: [
    ["delegation-containment", "A child session must stay inside its parent's intent and lifetime, so a forged or tampered hand-off cannot widen authority."],
    ["workload-identity", "Each agent calls Warden under its own verified identity, so a peer cannot act under another's name."],
  ] },
  ASI08: { partial: "Warden contains each agent's calls and can stop one at once, but does not trace failures across agent chains.", c: [
    ["per-call-authorization", "Every hop of a chain is decided on its own, so a fault upstream does not carry authority downstream."],
    ["guardrail.repeated-denials-escalate", "After repeated denials in a session every further call goes to a person."],
    ["agent-quarantine", "A misbehaving agent can be quarantined, stopping its part of the cascade immediately."],
  ] },
  ASI09: { partial: "Warden protects the approval step; trust that end users place in agent output is outside it.", c: [
    ["approvals", "Approvers see the exact action and how it differs from the declared intent, not the agent's persuasive rationale; high-risk actions need two people."],
    ["audit-chain", "Every approval is recorded with who approved what and why."],
  ] },
  ASI10: { c: [
    ["intent-binding", "Acting outside the declared task is refused and shows as drift, even when each call looks legitimate."],
    ["agent-quarantine", "A rogue agent is stopped at once: every later decision for it is a deny."],
    ["revocation", "All of a rogue agent's credentials can be revoked in one step."],
    ["audit-chain", "Everything the agent did is in a tamper-evident trail for the investigation."],
  ] },
};

const LLM: Record<string, Entry> = {
  LLM01: { partial: "Warden does not filter prompts or content; it limits what an injected model can make the agent do.", c: [
    ["intent-binding", "Actions an injection induces outside the declared intent are refused."],
    ["per-call-authorization", "Every tool call the model asks for is authorized before it runs."],
  ] },
  LLM02: { partial: "Warden controls where data goes through tool calls; it does not inspect the model's text output.", c: [
    ["guardrail.restricted-data-stays-internal", "Restricted data cannot be sent to an external destination by any tool call."],
    ["intent-binding", "Calls above the session's declared data sensitivity, or to undeclared destinations, are refused."],
  ] },
  LLM03: { partial: "Covers connectors and MCP servers only, not models, datasets or packages.", c: [
    ["unmanaged-connector-detection", "Third-party tools and MCP servers nobody registered are detected when first used."],
    ["guardrail.unmanaged-connector-needs-person", "Calls to unregistered connectors wait for a person."],
  ] },
  LLM05: { partial: "Tool-call arguments are checked for what they touch, not sanitised or encoded.", c: [
    ["per-call-authorization", "Model-produced tool calls are checked against envelope, intent and policy before they reach a connector."],
  ] },
  LLM06: { c: [
    ["per-call-authorization", "An agent can never exceed its baseline envelope, whatever the model asks for."],
    ["intent-binding", "Each session is limited to the actions it declared for its task."],
    ["jit-credentials", "Credentials are scoped to the task and expire with the session."],
    ["approvals", "High-impact actions require a person, two for high risk."],
    ["cedar-policies", "Organisation policies forbid or escalate actions no agent should take alone."],
  ] },
  LLM10: { partial: "Bursts are detected and agents can be stopped, but Warden sets no spend or token budgets.", c: [
    ["agent-quarantine", "A runaway agent can be stopped at once."],
  ] },
};

const NHI: Record<string, Entry> = {
  NHI1: { c: [
    ["revocation", "Retiring an agent or ending its session revokes its credentials; people can revoke all of an agent's at once."],
    ["jit-credentials", "Just-in-time credentials expire on their own when the task ends."],
    ["inventory", "Every credential is recorded with its owner agent, scope and expiry."],
  ] },
  NHI2: { partial: "Warden does not scan code, logs or chat for leaked secrets.", c: [
    ["jit-credentials", "Issued secrets are short-lived, shown once and stored only as hashes, so a leak expires quickly."],
    ["revocation", "A leaked credential can be revoked at once."],
  ] },
  NHI3: { partial: "Warden records and scopes credentials per connector but cannot tell when a third party is compromised.", c: [
    ["inventory", "Credentials are recorded per connector, so what a third party holds is known."],
    ["revocation", "All credentials for a compromised integration can be revoked."],
  ] },
  NHI4: { c: [
    ["workload-identity", "Tokens are checked for signature, allowed algorithms, audience and expiry against configured trust; weak or unsigned tokens are refused."],
  ] },
  NHI5: { c: [
    ["jit-credentials", "Credentials are issued for one session's declared scope instead of standing broad access."],
    ["per-call-authorization", "Even a broad credential is only usable within the agent's envelope and the session's intent."],
  ] },
  NHI6: { partial: "Warden validates the OIDC tokens presented to it; the pipeline's own cloud configuration is outside it.", c: [
    ["workload-identity", "CI/CD workloads can authenticate with OIDC tokens checked for issuer, audience, algorithm and expiry instead of static secrets."],
  ] },
  NHI7: { c: [
    ["jit-credentials", "Per-task credentials with short expiries replace long-lived secrets."],
    ["revocation", "Long-lived secrets found in the inventory can be revoked."],
  ] },
  NHI8: { partial: "Policies can keep agents off other environments' connectors; Warden does not check that identities are per environment.", c: [
    ["cedar-policies", "Policies can forbid calls to connectors of another environment (resource.connector.environment)."],
  ] },
  NHI9: { partial: "Each agent has its own identity in Warden, but sharing of that identity by several apps is not detected.", c: [
    ["workload-identity", "Every agent is registered under its own SPIFFE ID or OIDC subject."],
    ["jit-credentials", "Credentials are bound to one agent's session and cannot serve another."],
  ] },
  NHI10: { partial: "Warden attributes every action to a person or an agent, but cannot see a person using an agent's credential elsewhere.", c: [
    ["audit-chain", "Every action is recorded as done by a person or by an agent, never ambiguously."],
    ["jit-credentials", "Credentials are issued to an agent's session, not handed to people."],
  ] },
};

const NIST: Record<string, Entry> = {
  "GOVERN 1.3": { partial: "Warden scales runtime oversight to risk; the organisation's overall risk effort is outside it.", c: [
    ["approvals", "Agents carry a risk tier, and high-risk escalations need two approvers instead of one."],
  ] },
  "GOVERN 1.4": { partial: "Makes runtime controls transparent; the wider risk process is the organisation's.", c: [
    ["cedar-policies", "Runtime rules are readable, versioned Cedar policies with an audit record of every change."],
    ["audit-chain", "Every control decision and change is on a verifiable record."],
  ] },
  "GOVERN 1.5": { partial: "Provides continuous runtime monitoring; scheduled reviews are the organisation's.", c: [
    ["per-call-authorization", "Every agent action is decided and recorded as it happens."],
  ] },
  "GOVERN 1.6": { c: [
    ["inventory", "Agents, connectors and credentials are inventoried with owners, purposes and risk tiers."],
    ["unmanaged-connector-detection", "Connectors used without being registered are added to the inventory as unmanaged."],
  ] },
  "GOVERN 1.7": { c: [
    ["revocation", "Retiring an agent revokes its credentials and ends its sessions."],
    ["agent-quarantine", "A retired or quarantined agent is denied everything from then on."],
  ] },
  "GOVERN 2.1": { partial: "Covers runtime roles only.", c: [
    ["people-roles", "Who may operate, approve, audit or administer agents is fixed by role."],
  ] },
  "GOVERN 3.2": { c: [
    ["approvals", "Approvers decide the actions agents may not take alone; separation of duties keeps owners and requesters out."],
    ["people-roles", "Oversight duties are split between analysts, approvers, auditors and admins."],
  ] },
  "GOVERN 4.2": { partial: "Records runtime risks; communicating impacts more widely is the organisation's.", c: [
    ["audit-chain", "Risky behaviour, decisions and responses are recorded and exportable."],
  ] },
  "GOVERN 4.3": { partial: "Detects incidents at run time; testing and external sharing are outside Warden.", c: [
    ["webhook-notification", "Teams are told of new escalations as they happen."],
  ] },
  "MAP 1.1": { partial: "Records each agent's purpose and limits; the wider context documentation is the organisation's.", c: [
    ["inventory", "Each agent records its owner, purpose, risk tier and the most it may ever do."],
  ] },
  "MAP 2.2": { partial: "Human oversight of actions is supported; documenting knowledge limits is not.", c: [
    ["approvals", "People review and decide the agent actions that need oversight."],
  ] },
  "MAP 3.3": { c: [
    ["intent-binding", "Each session's scope is declared up front and enforced on every call."],
    ["per-call-authorization", "Each agent's baseline envelope fixes the most it may ever do."],
  ] },
  "MAP 3.5": { c: [
    ["approvals", "Escalations define when a person must decide, with expiries and separation of duties."],
  ] },
  "MAP 4.2": { partial: "Covers connectors agents call at run time, not every system component.", c: [
    ["inventory", "Each connector records its sensitivity, environment and owner."],
    ["cedar-policies", "Policies apply controls per connector kind, environment and sensitivity."],
  ] },
  "MEASURE 1.3": { partial: "Gives independent assessors verifiable evidence; the assessment itself is theirs.", c: [
    ["audit-chain", "Auditors can verify the hash chain and the evidence in reports without trusting operators."],
  ] },
  "MEASURE 2.4": { c: [
    ["per-call-authorization", "Every production tool call is decided and recorded with outcome, reasons and latency."],
    ["audit-chain", "The recorded behaviour cannot be altered afterwards without detection."],
  ] },
  "MEASURE 2.6": { partial: "Warden fails closed and records decision latency; evaluating the model's safety is outside it.", c: [
    ["per-call-authorization", "Decisions fail closed (deny) when policy or storage is unavailable."],
    ["agent-quarantine", "An unsafe agent can be stopped at once."],
  ] },
  "MEASURE 2.7": { partial: "Supplies runtime security controls and evidence; it does not test the model's resilience.", c: [
    ["per-call-authorization", "Tool misuse is refused at run time."],
    ["workload-identity", "Agents must prove their identity on every call."],
  ] },
  "MEASURE 2.8": { c: [
    ["audit-chain", "Every decision and human action is attributable and tamper-evident."],
    ["people-roles", "Who could do what is fixed by role and recorded with each action."],
  ] },
  "MEASURE 2.10": { partial: "Controls data movement by sensitivity; broader privacy risk assessment is outside it.", c: [
    ["guardrail.restricted-data-stays-internal", "Restricted data cannot leave to external destinations."],
    ["intent-binding", "Sessions may only touch data up to the sensitivity they declared."],
  ] },
  "MEASURE 3.1": { c: [
    ["per-call-authorization", "Denials and escalations in production show emerging risk as it happens."],
  ] },
  "MANAGE 2.3": { c: [
    ["revocation", "Credentials and grants can be revoked at once when a risk appears."],
    ["agent-quarantine", "An agent can be quarantined instantly."],
    ["webhook-notification", "The responsible team hears about new escalations straight away."],
  ] },
  "MANAGE 2.4": { c: [
    ["agent-quarantine", "Quarantine is the kill switch: every decision for the agent becomes deny at once."],
    ["revocation", "Revoke-all disconnects an agent from every system it had credentials for."],
    ["approvals", "People can deny or withdraw what an agent asked to do."],
  ] },
  "MANAGE 3.1": { partial: "Monitors third-party connectors, not third-party models.", c: [
    ["unmanaged-connector-detection", "Third-party tools used without registration are detected and gated."],
    ["inventory", "Registered third-party connectors carry owners and controls."],
  ] },
  "MANAGE 4.1": { partial: "Provides the runtime monitoring, override and decommissioning mechanisms; the plan is the organisation's.", c: [
    ["approvals", "Override by a person is built into the decision path."],
    ["agent-quarantine", "Agents can be stopped and retired."],
  ] },
  "MANAGE 4.3": { partial: "Notifies and records; incident communication beyond the team is the organisation's.", c: [
    ["webhook-notification", "Escalations reach the team's channel as signed webhooks."],
    ["audit-chain", "The incident's full record is tamper-evident and exportable."],
  ] },
};

const MAESTRO: Record<string, Entry> = {
  L2: { partial: "Controls agents' data access and egress; poisoning of stored data is outside Warden.", c: [
    ["guardrail.restricted-data-stays-internal", "Blocks exfiltration of restricted data to external destinations."],
    ["intent-binding", "Sessions may only touch the resources and sensitivity they declared."],
  ] },
  L3: { partial: "Enforces decisions whatever framework the agent is built with; framework code itself is not inspected.", c: [
    ["per-call-authorization", "Tool calls are authorized outside the framework, so a compromised framework cannot skip the check."],
  ] },
  L4: { partial: "Limits lateral movement with identities and short-lived credentials; infrastructure hardening is outside Warden.", c: [
    ["workload-identity", "Agents authenticate with workload identities (SPIFFE/OIDC) issued by the platform."],
    ["jit-credentials", "Short-lived, task-scoped credentials limit what a hijacked workload can reach."],
  ] },
  L5: { c: [
    ["audit-chain", "A tamper-evident trail of every decision resists evasion and poisoning of observability data."],
    ["webhook-notification", "Escalations are pushed to the responsible team."],
  ] },
  L6: { c: [
    ["cedar-policies", "Policy enforcement for every agent action, with versioned, reviewable policies."],
    ["per-call-authorization", "Access control is applied on every call."],
    ["approvals", "Human approval with separation of duties for sensitive actions."],
    ["audit-chain", "Compliance evidence in a verifiable trail."],
  ] },
  L7: { c: [
    ["workload-identity", "Verified identities counter agent impersonation and identity attacks."],
    ["per-call-authorization", "Agent tool misuse is refused call by call."],
    ["intent-binding", "Goal manipulation shows as calls outside the declared intent, which are refused."],
    ["audit-chain", "A tamper-evident record answers repudiation."],
    ["inventory", "A registry of agents and connectors, with unregistered ones flagged."],
  ] },
  "CROSS-LAYER": { partial: "Limits privilege escalation, lateral movement and data leakage between layers; supply-chain compromise outside connectors is not covered.", c: [
    ["delegation-containment", "Authority cannot grow as work passes between agents."],
    ["jit-credentials", "Short-lived scoped credentials limit lateral movement."],
    ["guardrail.restricted-data-stays-internal", "Restricted data cannot leak to external destinations."],
  ] },
};

const HAND_MAPPED: Record<ReportFrameworkId, Record<string, Entry>> = {
  "owasp-asi-2026": ASI,
  "owasp-llm-top10-2025": LLM,
  "owasp-nhi-top10-2025": NHI,
  "nist-ai-rmf-1.0": NIST,
  "csa-maestro": MAESTRO,
};

function build(): Record<ReportFrameworkId, Record<string, MappingEntry>> {
  const out = {} as Record<ReportFrameworkId, Record<string, MappingEntry>>;
  for (const f of FRAMEWORKS) {
    const items: Record<string, MappingEntry> = {};
    for (const [itemId, e] of Object.entries(HAND_MAPPED[f.id])) {
      items[itemId] = { controls: e.c.map(([control, how]) => ({ control, how })), ...(e.partial ? { partial: e.partial } : {}) };
    }
    out[f.id] = items;
  }
  for (const kind of DETECTOR_KINDS) {
    for (const ref of FINDING_REFS[kind]) {
      const r = resolveRef(ref);
      if (!r) continue; // caught by the mapping test
      const entry = (out[r.framework.id][r.item.id] ??= { controls: [] });
      entry.controls.push({ control: detectorControlId(kind), how: DETECTORS[kind].how });
    }
  }
  return out;
}

/** framework -> item id -> the controls that address it. Items absent here are gaps. */
export const MAPPING = build();

export function mappingFor(frameworkId: ReportFrameworkId, itemId: string): MappingEntry | undefined {
  return MAPPING[frameworkId][itemId];
}

/** Every framework ref the mapping uses (hand-mapped items and FINDING_REFS), for tests and docs. */
export function mappedRefs(): string[] {
  const refs: string[] = [];
  for (const f of FRAMEWORKS) for (const id of Object.keys(HAND_MAPPED[f.id])) refs.push(refFor(f.id, id));
  return refs;
}

/** Hand-mapped item ids per framework, exactly as written above (the test checks each exists). */
export function handMappedIds(frameworkId: ReportFrameworkId): string[] {
  return Object.keys(HAND_MAPPED[frameworkId]);
}
