// Builds a framework report (./types.ts): the catalog's items, the controls mapped to each
// (lib/frameworks/mapping.ts) with whether they are in force now, and the evidence of the period.
// All counts come from a fixed set of aggregate queries (./evidence.ts); nothing here queries per item.
import type { Executor } from "@/lib/db/client";
import { getFramework, type CatalogItem } from "@/lib/frameworks/catalog";
import { DETECTORS, getControl, GUARDRAIL_CONTROLS } from "@/lib/frameworks/controls";
import { mappingFor } from "@/lib/frameworks/mapping";
import { collectAggregates, collectExamples, collectState, type Aggregates, type Examples, type Period, type State } from "./evidence";
import type { Report, ReportControl, ReportEvidence, ReportExample, ReportFrameworkId, ReportItem } from "./types";

export type ReportPeriod = Period;

const INTENT_CODES = ["intent.operation_not_declared", "intent.resource_not_declared", "intent.sensitivity_exceeded", "intent.destination_not_allowed", "intent.widening"];
const DELEGATION_CODES = ["delegation.parent_not_found", "delegation.parent_inactive"];
const POLICY_CODES = ["policy.forbid", "policy.escalate", "policy.no_permit"];

type Ctx = { agg: Aggregates; state: State; ex: Examples; period: Period; env: { sweepSeconds: number; hygieneMinutes: number } };
type Assessed = { active: boolean; activeDetail: string; evidence: ReportEvidence[]; examples: ReportExample[] };

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

function auditHref(c: Ctx, action?: string) {
  return `/audit?${q({ ...(action ? { action } : {}), ...periodParams(c) })}`;
}

/** `from` / `to` of the period, as the dashboard lists read them (from inclusive, to exclusive). */
const periodParams = (c: Ctx) => ({ from: c.period.from.toISOString(), to: c.period.to.toISOString() });
/** A dashboard list limited to exactly the rows an evidence count counted: its filters and the period. */
const listHref = (c: Ctx, list: "escalations" | "findings" | "credentials", params: Record<string, string>) => `/${list}?${q({ ...params, ...periodParams(c) })}`;

const reasonEvidence = (c: Ctx, code: string, label = `decisions denied or escalated: ${code}`): ReportEvidence => ({
  label,
  count: c.agg.reasons.get(code) ?? 0,
  href: auditHref(c, "decision."),
});
const reasonExamples = (c: Ctx, codes: string[]) => codes.flatMap((code) => c.ex.decisionsByReason.get(code) ?? []);
const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function assessControl(id: string, c: Ctx): Assessed {
  const { agg, state } = c;
  if (id.startsWith("detector.")) {
    const kind = id.slice("detector.".length) as keyof typeof DETECTORS;
    const runs = DETECTORS[kind].runs;
    const active = runs === "inline" || runs === "audit-log" ? true : runs === "sweeper" ? c.env.sweepSeconds > 0 : c.env.sweepSeconds > 0 && c.env.hygieneMinutes > 0;
    const activeDetail =
      runs === "inline" ? "Runs on every authentication" : runs === "audit-log" ? "Runs as the audit log is extended and signed" : !active ? "Background detectors are switched off (WARDEN_SWEEP_SECONDS / WARDEN_HYGIENE_MINUTES)" : runs === "sweeper" ? `Runs every ${c.env.sweepSeconds} s` : `Runs every ${c.env.hygieneMinutes} min`;
    return {
      active,
      activeDetail,
      evidence: [{ label: `findings raised: ${kind}`, count: agg.findings.get(kind) ?? 0, href: listHref(c, "findings", { status: "all", kind }) }],
      examples: c.ex.findingsByKind.get(kind) ?? [],
    };
  }
  if (id.startsWith("guardrail.")) {
    const name = id.slice("guardrail.".length);
    const p = state.policies.find((x) => x.name === name);
    const active = !!p && p.enabled && p.activeVersion != null;
    return {
      active,
      activeDetail: !p ? "Not installed" : active ? `Enabled (version ${p.activeVersion})` : "Disabled",
      evidence: [
        { label: `decisions denied by guardrail ${name}`, count: agg.reasons.get(`policy.forbid|${name}`) ?? 0, href: auditHref(c, "decision.deny") },
        { label: `decisions escalated by guardrail ${name}`, count: agg.reasons.get(`policy.escalate|${name}`) ?? 0, href: auditHref(c, "decision.escalate") },
      ],
      examples: [...(c.ex.decisionsByReason.get(`policy.forbid|${name}`) ?? []), ...(c.ex.decisionsByReason.get(`policy.escalate|${name}`) ?? [])],
    };
  }
  switch (id) {
    case "per-call-authorization":
      return {
        active: true,
        activeDetail: "Built into the decision path; fails closed",
        evidence: [
          { label: "decisions", count: agg.decisions.total, href: auditHref(c, "decision.") },
          { label: "decisions denied", count: agg.decisions.deny, href: auditHref(c, "decision.deny") },
          { label: "decisions escalated", count: agg.decisions.escalate, href: auditHref(c, "decision.escalate") },
          reasonEvidence(c, "agent.envelope_exceeded", "decisions outside the agent's envelope"),
        ],
        examples: reasonExamples(c, ["agent.envelope_exceeded", "agent.quarantined"]),
      };
    case "intent-binding":
      return {
        active: true,
        activeDetail: "Every session declares its intent",
        evidence: [
          { label: "calls outside the declared intent", count: agg.decisions.outsideIntent, href: auditHref(c, "decision.") },
          { label: "sessions with calls outside their intent", count: agg.decisions.driftSessions, href: `/sessions?${q({ hasDrift: "true", driftFrom: c.period.from.toISOString(), driftTo: c.period.to.toISOString() })}` },
          ...INTENT_CODES.map((code) => reasonEvidence(c, code)),
          { label: "intent changes escalated to a person", count: agg.escalations.byKind.intent_change ?? 0, href: listHref(c, "escalations", { status: "all", kind: "intent_change" }) },
        ],
        examples: c.ex.driftSessions,
      };
    case "delegation-containment":
      return { active: true, activeDetail: "Checked whenever a child session opens or changes intent", evidence: DELEGATION_CODES.map((code) => reasonEvidence(c, code)), examples: reasonExamples(c, DELEGATION_CODES) };
    case "cedar-policies": {
      const enabled = state.policies.filter((p) => p.enabled && p.activeVersion != null);
      const builtIn = GUARDRAIL_CONTROLS.filter((g) => enabled.some((p) => p.name === g.id)).length;
      return {
        active: enabled.length > 0,
        activeDetail: `${enabled.length} of ${state.policies.length} policies enabled (${builtIn} of ${GUARDRAIL_CONTROLS.length} built-in guardrails)`,
        evidence: POLICY_CODES.map((code) => reasonEvidence(c, code)),
        examples: reasonExamples(c, POLICY_CODES),
      };
    }
    case "workload-identity":
      return {
        active: state.trustConfigsEnabled > 0,
        activeDetail: state.trustConfigsEnabled > 0 ? `${plural(state.trustConfigsEnabled, "trust configuration")} enabled (SPIFFE / OIDC)` : "No SPIFFE or OIDC trust configured; agents use bootstrap keys only",
        evidence: [{ label: "identity trust changes", count: sumPrefix(agg, "trust."), href: auditHref(c, "trust.") }],
        examples: [],
      };
    case "jit-credentials":
      return {
        active: true,
        activeDetail: `${plural(state.jitLive, "just-in-time credential")} live now`,
        evidence: [
          { label: "just-in-time credentials issued", count: agg.credentials.jitIssued, href: listHref(c, "credentials", { jit: "true" }) },
          { label: "credential requests denied", count: agg.audit.get("credential.denied") ?? 0, href: auditHref(c, "credential.denied") },
          { label: "credential requests escalated", count: agg.audit.get("credential.escalated") ?? 0, href: auditHref(c, "credential.escalated") },
        ],
        examples: [],
      };
    case "revocation":
      return {
        active: true,
        activeDetail: "Session end, revoke-all and RFC 7009 revocation available",
        evidence: [
          { label: "credentials revoked", count: agg.credentials.revoked, href: listHref(c, "credentials", { status: "revoked", timeField: "revokedAt" }) },
          { label: "credentials revoked by a person", count: agg.credentials.revokedByPerson },
          { label: "credentials revoked by an agent (session end / RFC 7009)", count: agg.credentials.revokedByAgent },
          { label: "credentials revoked by the system", count: agg.credentials.revokedBySystem },
          { label: "revoke-all actions", count: (agg.audit.get("agent.credentials_revoked") ?? 0) + (agg.audit.get("session.credentials_revoked") ?? 0), href: auditHref(c, "agent.credentials_revoked") },
        ],
        examples: c.ex.revokedCredentials,
      };
    case "agent-quarantine":
      return {
        active: true,
        activeDetail: `${plural(state.agentsQuarantined, "agent")} quarantined now`,
        evidence: [
          { label: "agents quarantined", count: agg.audit.get("agent.quarantined") ?? 0, href: auditHref(c, "agent.quarantined") },
          reasonEvidence(c, "agent.quarantined", "decisions denied: agent quarantined"),
        ],
        examples: c.ex.quarantines,
      };
    case "approvals":
      return {
        active: state.approvers > 0,
        activeDetail: `${plural(state.approvers, "person", "people")} can approve; high-risk escalations need two`,
        evidence: [
          { label: "escalations approved", count: agg.escalations.byStatus.approved ?? 0, href: listHref(c, "escalations", { status: "approved" }) },
          { label: "escalations denied", count: agg.escalations.byStatus.denied ?? 0, href: listHref(c, "escalations", { status: "denied" }) },
          { label: "escalations expired", count: agg.escalations.byStatus.expired ?? 0, href: listHref(c, "escalations", { status: "expired" }) },
          { label: "escalations needing two approvers", count: agg.escalations.twoApprover },
          { label: "approvals given", count: agg.votes.approve },
          { label: "grants created", count: agg.grants },
        ],
        examples: [...(c.ex.escalationsByStatus.get("denied") ?? []), ...(c.ex.escalationsByStatus.get("approved") ?? [])],
      };
    case "people-roles":
      return { active: true, activeDetail: "Checked on every page and API call", evidence: [{ label: "role changes", count: agg.audit.get("person.role_changed") ?? 0, href: auditHref(c, "person.role_changed") }], examples: [] };
    case "audit-chain":
      return {
        active: true,
        activeDetail: state.chainHead.seq ? `Chain head #${state.chainHead.seq}` : "No events yet",
        evidence: [{ label: "audit events recorded", count: agg.auditTotal, href: auditHref(c) }],
        examples: [],
      };
    case "inventory":
      return {
        active: true,
        activeDetail: `${plural(state.agents, "agent")}, ${plural(state.connectors, "connector")} recorded`,
        evidence: [
          { label: "agents registered", count: agg.audit.get("agent.created") ?? 0, href: auditHref(c, "agent.created") },
          { label: "connectors registered", count: agg.audit.get("connector.created") ?? 0, href: auditHref(c, "connector.created") },
          { label: "standing credentials recorded", count: agg.audit.get("credential.recorded") ?? 0, href: auditHref(c, "credential.recorded") },
        ],
        examples: [],
      };
    case "unmanaged-connector-detection":
      return {
        active: true,
        activeDetail: `${plural(state.unmanagedConnectors, "unmanaged connector")} known`,
        evidence: [
          { label: "unmanaged connectors discovered", count: agg.audit.get("connector.discovered") ?? 0, href: auditHref(c, "connector.discovered") },
          reasonEvidence(c, "connector.unmanaged", "calls to unmanaged connectors stopped"),
        ],
        examples: reasonExamples(c, ["connector.unmanaged"]),
      };
    case "webhook-notification":
      return {
        active: state.webhooksEnabled > 0,
        activeDetail: state.webhooksEnabled > 0 ? `${plural(state.webhooksEnabled, "webhook")} enabled` : "No webhook enabled",
        evidence: [
          { label: "webhook deliveries sent", count: agg.webhookDeliveries.sent },
          { label: "webhook deliveries failed", count: agg.webhookDeliveries.failed },
        ],
        examples: [],
      };
  }
  throw new Error(`report: no assessment for control ${id}`);
}

function sumPrefix(agg: Aggregates, prefix: string) {
  let total = 0;
  for (const [action, count] of agg.audit) if (action.startsWith(prefix)) total += count;
  return total;
}

function assessItem(frameworkId: ReportFrameworkId, item: CatalogItem, c: Ctx, cache: Map<string, Assessed>): ReportItem {
  const base = { id: item.id, ...(item.ref ? { ref: item.ref } : {}), title: item.title, summary: item.summary, ...(item.level ? { level: item.level } : {}), ...(item.parent ? { parent: item.parent } : {}) };
  const entry = mappingFor(frameworkId, item.id);
  if (!entry) return { ...base, controls: [], evidence: [], examples: [], status: "gap" };
  const controls: ReportControl[] = [];
  const evidence: ReportEvidence[] = [];
  const examples: ReportExample[] = [];
  const seenEvidence = new Set<string>();
  const seenExamples = new Set<string>();
  let preventiveActive = false;
  for (const link of entry.controls) {
    const def = getControl(link.control)!;
    const a = cache.get(def.id) ?? assessControl(def.id, c);
    cache.set(def.id, a);
    controls.push({ id: def.id, name: def.name, how: link.how, active: a.active, activeDetail: a.activeDetail });
    if (a.active && def.kind === "preventive") preventiveActive = true;
    for (const e of a.evidence) if (!seenEvidence.has(e.label)) seenEvidence.add(e.label), evidence.push(e);
    for (const x of a.examples) if (examples.length < 3 && !seenExamples.has(x.id)) seenExamples.add(x.id), examples.push(x);
  }
  const anyActive = controls.some((x) => x.active);
  const anyEvidence = evidence.some((e) => e.count > 0);
  const status = entry.partial || !anyActive ? "partial" : preventiveActive || anyEvidence ? "covered" : "partial";
  return { ...base, controls, evidence, examples, status, ...(entry.partial ? { note: entry.partial } : {}) };
}

/** NIST functions and categories are not mapped themselves: their status rolls up from their subcategories. */
function rollUp(items: ReportItem[]) {
  const children = new Map<string, ReportItem[]>();
  for (const i of items) if (i.parent) (children.get(i.parent) ?? children.set(i.parent, []).get(i.parent)!).push(i);
  const leaves = (i: ReportItem): ReportItem[] => {
    const kids = children.get(i.id);
    return kids ? kids.flatMap(leaves) : [i];
  };
  for (const i of items) {
    if (!children.has(i.id)) continue;
    const l = leaves(i);
    i.status = l.every((x) => x.status === "gap") ? "gap" : l.every((x) => x.status === "covered") ? "covered" : "partial";
  }
  return (i: ReportItem) => !children.has(i.id);
}

/**
 * The report for one framework and period. The summary counts assessable items only (for NIST
 * AI RMF the 72 subcategories; functions and categories roll up); escalations are those raised
 * in the period, by their status now; credentials revoked and findings raised are those whose
 * revocation or first sighting falls in the period.
 */
export async function buildReport(db: Executor, person: { id: string; email: string }, frameworkId: ReportFrameworkId, period: ReportPeriod): Promise<Report> {
  const framework = getFramework(frameworkId);
  if (!framework) throw new Error(`unknown framework ${frameworkId}`);
  const [agg, state, ex] = await Promise.all([collectAggregates(db, period), collectState(db), collectExamples(db, period)]);
  const env = { sweepSeconds: Number(process.env.WARDEN_SWEEP_SECONDS ?? 30) || 0, hygieneMinutes: Number(process.env.WARDEN_HYGIENE_MINUTES ?? 10) || 0 };
  const ctx: Ctx = { agg, state, ex, period, env };
  const cache = new Map<string, Assessed>();
  const items = framework.items.map((item) => assessItem(framework.id, item, ctx, cache));
  const isLeaf = rollUp(items);
  const leaves = items.filter(isLeaf);
  return {
    framework: { id: framework.id, name: framework.name, shortName: framework.shortName, version: framework.version, publisher: framework.publisher, sourceUrl: framework.sourceUrl },
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    generatedAt: new Date().toISOString(),
    generatedBy: { id: person.id, email: person.email },
    chainHead: state.chainHead,
    summary: {
      items: leaves.length,
      covered: leaves.filter((i) => i.status === "covered").length,
      partial: leaves.filter((i) => i.status === "partial").length,
      gaps: leaves.filter((i) => i.status === "gap").length,
      decisions: agg.decisions.total,
      allowed: agg.decisions.allow,
      denied: agg.decisions.deny,
      escalated: agg.decisions.escalate,
      escalationsApproved: agg.escalations.byStatus.approved ?? 0,
      escalationsDenied: agg.escalations.byStatus.denied ?? 0,
      escalationsExpired: agg.escalations.byStatus.expired ?? 0,
      credentialsRevoked: agg.credentials.revoked,
      findingsRaised: [...agg.findings.values()].reduce((a, b) => a + b, 0),
    },
    items,
  };
}
