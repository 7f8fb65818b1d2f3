import { createHash, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { canonicalJson } from "@/lib/audit/chain";
import { recordAudit, recordAuditMany, type AuditInput } from "@/lib/audit/record";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { newSecret } from "@/lib/auth/secrets";
import type { Db, Executor } from "@/lib/db/client";
import { countUsers } from "@/lib/db/queries/users";
import * as t from "@/lib/db/schema";
import type { Envelope } from "@/lib/db/schema/agents";
import type { ActionShape, DiffEntry, Reason } from "@/lib/db/schema/decisions";
import type { Intent } from "@/lib/db/schema/sessions";
import { actionRisk, amendIntentFor, intentRisk, type EscalationRisk } from "@/lib/policy/escalation-risk";
import { actionHash, actionName, canonicalAction, checkAction, checkDelegation, checkIntentWithinEnvelope, compareIntents } from "@/lib/policy/intent";
import { matchesAction, parseActionPattern, uncoveredPatterns } from "@/lib/policy/patterns";
import { allowedScopes, decisionBlocker, personRef, type GrantScope } from "@/lib/policy/separation-of-duties";
import { escalationTtlMs, onceGrantTtlMs } from "@/lib/services/escalations/config";
import { GRANT_SCOPE_LABEL } from "@/lib/policy/decide";
import {
  AGENTS, APPROVE_NOTES, CONNECTORS, DEFAULT_SEED, DEMO_PEOPLE, DENY_NOTES, FINDING_REFS, GUARDRAIL_DESCRIPTIONS,
  agentIdentity, createRng, demoPassword, fill, fillDeep,
  type DemoAgent, type DemoConnector, type DemoPersonKey, type DeviationDef, type Rng, type Role, type Sensitivity, type StepDef, type TaskDef,
} from "./fleet";

// Writes the demo company (lib/demo/fleet.ts) and a week of plausible agent activity. The history
// is planned in memory first (pure, seeded), then written with multi-row inserts in one
// transaction, so a failed seed leaves the database empty and can simply be retried.

export type SeedOptions = {
  now?: Date;
  onProgress?: (step: string, done: number, total: number) => void;
  /** By demo person key (lib/demo/fleet.ts DEMO_PEOPLE: a role, or "approver2"). */
  passwords?: Partial<Record<DemoPersonKey, string>>;
  seed?: number;
};
export type SeedResult = { people: { key: DemoPersonKey; email: string; role: Role; password: string }[]; counts: Record<string, number> };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SEED_ACTOR = { kind: "system" as const, label: "demo seed" };
const CHUNK = 500;

// ---------------------------------------------------------------------------------------------
// Intent and envelope checks: the decision path's own rules (lib/policy/intent.ts)

export type Call = {
  connector: string;
  tool: string;
  operation: string;
  resource?: string;
  sensitivity: Sensitivity;
  destination?: string;
  args?: Record<string, unknown>;
};

export { actionName };

/** The decision path's intent check, plus whether the call would still fit the agent's envelope. */
export function checkCall(intent: Intent, envelope: Envelope, call: Call) {
  const { reasons, diff } = checkAction(intent, call);
  const inEnvelope = checkAction({ ...envelope, goal: "", ttlSeconds: envelope.maxTtlSeconds }, call).inside;
  return { reasons, diff, inEnvelope };
}

/**
 * A child session's intent must stay inside its parent's (also used by the fleet test against an
 * envelope). Resources are left out: the kb-article-drafter and expense-auditor tasks declare none
 * under envelopes that limit them, so the full check would refuse them.
 */
export function intentInside(child: Intent, parent: Intent) {
  return checkDelegation(child, parent).diff.every((d) => d.field === "resources");
}

export function toolSensitivity(connector: string, tool: string): Sensitivity {
  const c = CONNECTORS.find((x) => x.name === connector);
  if (!c) throw new Error(`demo fleet: unknown connector ${connector}`);
  return c.tools.find((x) => x.name === tool)?.sensitivity ?? c.sensitivity;
}

export function makeCall(def: StepDef, rng: Rng): Call {
  const parsed = parseActionPattern(def.call);
  if (!parsed || def.call.includes("*")) throw new Error(`demo fleet: ${def.call} is not a concrete action`);
  const { connector, tool, operation } = parsed;
  return {
    connector,
    tool,
    operation,
    sensitivity: def.sensitivity ?? toolSensitivity(connector, tool),
    resource: def.resource ? fill(def.resource, rng) : undefined,
    destination: def.destination ? fill(def.destination, rng) : undefined,
    args: def.args ? (fillDeep(def.args, rng) as Record<string, unknown>) : undefined,
  };
}

export function taskIntent(task: TaskDef, goal: string, ttlSeconds = task.ttlSeconds): Intent {
  const intent: Intent = { goal, actions: [...task.actions], maxSensitivity: task.maxSensitivity, ttlSeconds };
  if (task.resources) intent.resources = [...task.resources];
  if (task.destinations) intent.destinations = [...task.destinations];
  return intent;
}

/** Approvers' notes that do not contradict the scope they chose (null: approved as asked). */
const noteFits = (note: string, scope: GrantScope | null) =>
  (!/\bonce\b/.test(note) || scope === "once") && (!/\bsession\b/.test(note) || scope === "session") && (!/\bintent\b/.test(note) || scope === "amend_intent" || scope === null);
const sha256 = (v: unknown) => createHash("sha256").update(canonicalJson(v)).digest("hex");

// ---------------------------------------------------------------------------------------------
// Planning: every row the seed will write, built in memory from the fleet and a seeded PRNG.

type Rows = {
  users: (typeof t.users.$inferInsert)[];
  connectors: (typeof t.connectors.$inferInsert)[];
  tools: (typeof t.connectorTools.$inferInsert)[];
  agents: (typeof t.agents.$inferInsert)[];
  credentials: (typeof t.credentials.$inferInsert)[];
  sessions: (typeof t.sessions.$inferInsert)[];
  intents: (typeof t.sessionIntents.$inferInsert)[];
  decisions: (typeof t.decisions.$inferInsert)[];
  escalations: (typeof t.escalations.$inferInsert)[];
  votes: (typeof t.escalationVotes.$inferInsert)[];
  grants: (typeof t.grants.$inferInsert)[];
  findings: (typeof t.findings.$inferInsert)[];
};
export type DemoPlan = Rows & { audit: AuditInput[] };

type AgentState = { id: string; def: DemoAgent; quarantinedAt: number | null; lastSeen: number | null; calls: number; outOfIntent: number };
type Settled = "approved" | "denied" | "expired";
type Grant = typeof t.grants.$inferInsert;
type ScriptItem =
  | { kind: "step"; call: Call }
  | { kind: "deviation"; call: Call; forbid?: string; resolve?: Settled; scope?: GrantScope; repeat?: number }
  | { kind: "intent"; change: "widen" | "narrow"; resolve?: Settled }
  | { kind: "quarantine" };
type RunSpec = {
  agent: AgentState;
  task: TaskDef;
  start: number;
  mode: "ended" | "expired" | "active";
  script?: ScriptItem[];
  parent?: { id: string; intent: Intent; deadline: number };
  pending?: DeviationDef; // active sessions: a last call still waiting for a person
  pendingHalfApproved?: boolean; // ...that one approver already approved (high risk: one more to go)
  ttlSeconds?: number;
  endReason?: string;
};
type RunResult = { id: string; end: number };

class Planner {
  readonly rows: Rows = {
    users: [], connectors: [], tools: [], agents: [], credentials: [], sessions: [], intents: [], decisions: [],
    escalations: [], votes: [], grants: [], findings: [],
  };
  readonly audit: AuditInput[] = [];
  readonly rng: Rng;
  readonly userIds = {} as Record<DemoPersonKey, string>;
  readonly people = new Map<DemoPersonKey, { id: string; label: string }>();
  readonly connectorIds = new Map<string, { id: string; def: DemoConnector }>();
  readonly agents = new Map<string, AgentState>();
  readonly policyBundles: { from: number; version: string }[];
  readonly stories: Record<string, string> = {};

  constructor(readonly now: number, seed: number) {
    this.rng = createRng(seed);
    // A guardrail edit three days ago: decisions before and after cite different policy versions.
    this.policyBundles = [
      { from: 0, version: `bundle-${this.rng.hex(10)}` },
      { from: now - 3 * DAY - 4 * HOUR, version: `bundle-${this.rng.hex(10)}` },
    ];
  }

  at(ms: number) {
    return new Date(Math.round(ms));
  }
  /** A demo person as an audit actor, by key ("approver" is April, "approver2" Avery). */
  person(key: DemoPersonKey) {
    const p = this.people.get(key)!;
    return { kind: "person" as const, id: p.id, label: p.label };
  }
  policyVersion(ms: number) {
    return [...this.policyBundles].reverse().find((b) => ms >= b.from)!.version;
  }

  // ---- inventory -----------------------------------------------------------------------------
  inventory() {
    const { rng, now } = this;
    for (const p of DEMO_PEOPLE) {
      const id = randomUUID();
      this.userIds[p.key] = id;
      this.people.set(p.key, { id, label: p.email });
      const createdAt = this.at(now - 420 * DAY + this.rows.users.length * MIN);
      this.rows.users.push({ id, email: p.email, name: p.name, role: p.role, passwordHash: "", createdAt, updatedAt: createdAt });
      this.audit.push({ actor: SEED_ACTOR, action: "person.created", target: { kind: "user", id }, detail: { email: p.email, name: p.name, role: p.role, password: "demo" }, occurredAt: createdAt });
    }
    for (const c of CONNECTORS) {
      const id = randomUUID();
      this.connectorIds.set(c.name, { id, def: c });
      const createdAt = this.at(now - c.createdDaysAgo * DAY - rng.int(0, 8 * 60) * MIN);
      this.rows.connectors.push({
        id, name: c.name, displayName: c.displayName, kind: c.kind, managed: c.managed, sensitivity: c.sensitivity,
        environment: c.environment, ownerId: c.ownerRole ? this.userIds[c.ownerRole] : null, ownerTeam: c.ownerTeam,
        description: c.description, endpoint: c.endpoint, createdAt, updatedAt: createdAt,
      });
      for (const tool of c.tools) {
        this.rows.tools.push({ connectorId: id, name: tool.name, description: tool.description, operations: tool.operations, sensitivity: tool.sensitivity ?? null, createdAt, updatedAt: createdAt });
      }
      // Unmanaged connectors are "created" when first seen in a tool call (set after the history).
      if (c.managed) {
        this.audit.push({ actor: SEED_ACTOR, action: "connector.created", target: { kind: "connector", id }, detail: { name: c.name, kind: c.kind, sensitivity: c.sensitivity }, occurredAt: createdAt });
      }
    }
    for (const a of AGENTS) {
      const id = randomUUID();
      this.agents.set(a.name, { id, def: a, quarantinedAt: null, lastSeen: null, calls: 0, outOfIntent: 0 });
      const createdAt = this.at(now - a.createdDaysAgo * DAY - rng.int(0, 8 * 60) * MIN);
      this.rows.agents.push({
        id, name: a.name, identity: agentIdentity(a), identityKind: a.identity?.kind ?? "spiffe", team: a.team,
        ownerId: this.userIds[a.ownerRole], purpose: a.purpose, riskTier: a.riskTier, status: "active",
        envelope: a.envelope, labels: a.labels, createdAt, updatedAt: createdAt,
      });
      this.audit.push({ actor: SEED_ACTOR, action: "agent.created", target: { kind: "agent", id }, agentId: id, detail: { name: a.name, team: a.team, riskTier: a.riskTier }, occurredAt: createdAt });
    }
  }

  // ---- one session ---------------------------------------------------------------------------
  run(spec: RunSpec): RunResult {
    const { rng, now } = this;
    const { agent, task } = spec;
    const id = randomUUID();
    const agentId = agent.id;
    const requestedBy = `agent:${agentId}`;
    const goal = fill(task.goal, rng);
    const ttl = spec.ttlSeconds ?? task.ttlSeconds;
    const start = spec.start;
    // A narrowing with a shorter TTL, or an approved intent change, moves the expiry as the app does.
    let expiresAt = start + ttl * 1000;
    let intent = taskIntent(task, goal, ttl);
    let version = 1; // the version in force
    let lastVersion = 1; // versions are numbered in order of asking, rejected ones included
    const session = { id, agentId, parentSessionId: spec.parent?.id ?? null, goal, startedAt: this.at(start), createdAt: this.at(start), expiresAt: this.at(expiresAt) };
    const firstIntent = { sessionId: id, version: 1, intent, status: "accepted" as const, requestedBy, createdAt: this.at(start) };

    // A delegated intent wider than the parent's is refused outright: the session never starts.
    if (spec.parent && !intentInside(intent, spec.parent.intent)) {
      const extra = uncoveredPatterns(spec.parent.intent.actions, intent.actions);
      this.rows.intents.push({ ...firstIntent, status: "rejected" });
      this.rows.sessions.push({
        ...session, status: "denied", intent, intentVersion: 1, endedAt: this.at(start), lastActivityAt: this.at(start),
        endReason: `delegated intent is wider than the parent session's intent (${extra.join(", ")})`,
      });
      this.stories.deniedDelegation ??= id;
      return { id, end: start + 1000 };
    }
    this.rows.intents.push(firstIntent);

    // Calls stop at `stopAt`: an "ended" session finishes before its expiry, an "expired" one runs past it.
    const bound = spec.mode === "active" ? now - 10 * MIN : spec.parent ? spec.parent.deadline : Infinity;
    const stopFor = (exp: number) => (spec.mode === "expired" ? Math.min(bound, exp + 90_000) : Math.min(bound, exp - 30_000));
    let stopAt = stopFor(expiresAt);
    // A person can approve only while the session is live (lib/services/escalations/decide.ts).
    const approvalDeadline = () => Math.min(stopAt, expiresAt) - 2000;
    let clock = start + rng.int(800, 3000);
    let lastEvent = start;
    let escalationCount = 0;
    const decisions: (typeof t.decisions.$inferInsert)[] = [];
    const jit = task.jit ? this.issueJit(task, id, agent, clock, expiresAt) : null;
    const sessionGrants: Grant[] = [];
    const script = spec.script ?? this.randomScript(agent, task);
    let delegated = false;

    // The decision path's grant lookup (lib/services/escalations/grants.ts): an unexpired, unused
    // approval of exactly this action in this session, session-wide ones first, then the oldest.
    const usableGrant = (hash: string, at: number) =>
      sessionGrants
        .filter((g) => g.actionHash === hash && !g.revokedAt && g.createdAt!.getTime() <= at && g.expiresAt.getTime() > at && (g.usesLeft == null || g.usesLeft > 0))
        .sort((a, b) => (a.usesLeft == null ? 0 : 1) - (b.usesLeft == null ? 0 : 1) || a.createdAt!.getTime() - b.createdAt!.getTime())[0];

    const decide = (call: Call, at: number, forbid?: string) => {
      const conn = this.connectorIds.get(call.connector)!;
      const hash = actionHash(call);
      let outcome: "allow" | "deny" | "escalate";
      let reasons: Reason[];
      let diff: DiffEntry[] | null = null;
      let grant: Grant | undefined;
      let approvedOver: string[] = [];
      if (agent.quarantinedAt !== null && at >= agent.quarantinedAt) {
        outcome = "deny";
        reasons = [{ code: "agent.quarantined", message: `${agent.def.name} is quarantined; every call is denied` }];
      } else if (at > expiresAt) {
        outcome = "deny";
        reasons = [{ code: "session.expired", message: `The session expired at ${new Date(expiresAt).toISOString()}` }];
      } else {
        const check = checkCall(intent, agent.def.envelope, call);
        reasons = check.reasons;
        diff = check.diff.length ? check.diff : null;
        if (reasons.length) agent.outOfIntent++;
        const outsideEnvelope = conn.def.managed && reasons.length > 0 && !check.inEnvelope;
        if (!conn.def.managed) reasons.unshift({ code: "connector.unmanaged", message: `${call.connector} is not a registered connector` });
        if (forbid) reasons.unshift({ code: "policy.forbid", message: `Forbidden by ${forbid}: ${GUARDRAIL_DESCRIPTIONS[forbid]}` });
        else if (outsideEnvelope) reasons.push({ code: "agent.envelope_exceeded", message: `Outside ${agent.def.name}'s baseline envelope` });
        if (forbid || outsideEnvelope) outcome = "deny";
        else if (!reasons.length) outcome = "allow";
        else if ((grant = usableGrant(hash, at))) {
          // An approval turns the escalate into an allow that names it; a "once" approval is used up.
          outcome = "allow";
          approvedOver = reasons.map((r) => r.code);
          reasons = [{ code: "approval.granted", message: `A person approved this exact action (${GRANT_SCOPE_LABEL[grant.scope]})` }];
          if (grant.usesLeft != null && --grant.usesLeft === 0) grant.consumedAt = this.at(at);
        } else outcome = "escalate";
      }
      agent.calls++;
      const row = {
        id: randomUUID(), sessionId: id, agentId, connectorId: conn.id, connector: call.connector, tool: call.tool, operation: call.operation,
        resource: call.resource ?? null, sensitivity: call.sensitivity, destination: call.destination ?? null,
        argsDigest: call.args ? sha256(call.args) : null, argsPreview: call.args ?? null, outcome, reasons, diff,
        policyVersion: this.policyVersion(at), escalationId: grant?.escalationId ?? null, grantId: grant?.id ?? null,
        latencyUs: outcome === "allow" ? (rng.chance(0.06) ? rng.int(1500, 3000) : rng.int(300, 1400)) : outcome === "deny" ? rng.int(300, 900) : rng.int(900, 3000),
        createdAt: this.at(at),
      };
      decisions.push(row);
      // Its audit event, as the decision path commits it with the decision (authorize.ts).
      this.audit.push({
        actor: { kind: "agent", id: agentId, label: agent.def.name }, action: `decision.${outcome}`, target: { kind: "decision", id: row.id },
        agentId, sessionId: id, occurredAt: row.createdAt,
        detail: {
          action: actionName(call), resource: row.resource, reasons: reasons.map((r) => r.code), policyVersion: row.policyVersion,
          ...(grant ? { escalationId: grant.escalationId, grantId: grant.id, approvedOver } : {}),
        },
      });
      lastEvent = Math.max(lastEvent, at);
      if (outcome === "allow" && jit && call.connector === jit.connector) jit.row.lastUsedAt = this.at(at);
      return row;
    };

    /** An escalated call waits for a person; the agent retries once approved, moves on otherwise. */
    const escalated = (row: ReturnType<typeof decide>, call: Call, item: { resolve?: Settled; scope?: GrantScope }) => {
      const action = canonicalAction(call);
      const requested = item.resolve ?? rng.weighted(["approved", "denied", "expired"] as const, (x) => ({ approved: 6, denied: 2.5, expired: 1.5 })[x]);
      let scope: GrantScope = item.scope ?? (rng.chance(0.3) ? "session" : "once");
      // "Amend the intent" is offered only when the intent alone stood in the way, and works only
      // inside the agent's envelope (and, for a delegated session, its parent: not tried here).
      const amended = amendIntentFor(intent, call);
      if (
        !item.scope && !spec.parent && allowedScopes({ kind: "action", action, reasons: row.reasons }).includes("amend_intent") && rng.chance(0.2) &&
        checkIntentWithinEnvelope(amended, agent.def.envelope).inside && !checkCall(amended, agent.def.envelope, call).reasons.length
      ) scope = "amend_intent";
      const hash = actionHash(call);
      const esc = this.escalation(agent, id, {
        kind: "action", action, actionHash: hash, risk: actionRisk(call, agent.def.riskTier), createdAt: clock, reasons: row.reasons, diff: row.diff,
        decisionId: row.id, scope, deadline: approvalDeadline(),
      }, requested, (at, by, audit) => {
        if (scope === "amend_intent") {
          // The smallest new intent version that admits this action, filed in the approver's name.
          const cmp = compareIntents(intent, amended);
          const v = ++lastVersion;
          this.rows.intents.push({ sessionId: id, version: v, intent: amended, status: "accepted", diff: cmp.changes, requestedBy: personRef(by), createdAt: this.at(at) });
          (intent = amended), (version = v);
          audit("session.intent_amended", { version: v, changes: cmp.changes.map((c) => c.field) });
          return { intentVersion: v, resolution: (reason: string) => `${reason} (intent amended to v${v})` };
        }
        const grant: Grant = {
          id: randomUUID(), escalationId: "", sessionId: id, actionHash: hash, scope, usesLeft: scope === "once" ? 1 : null,
          expiresAt: this.at(scope === "once" ? Math.min(expiresAt, at + onceGrantTtlMs()) : expiresAt), createdAt: this.at(at),
        };
        this.rows.grants.push(grant);
        sessionGrants.push(grant);
        return { grant };
      });
      row.escalationId = esc.id;
      escalationCount++;
      if (esc.status === "approved") {
        // The agent was waiting on the escalation; it repeats the call and the approval lets it
        // through. Now and then it found another way meanwhile, and the approval goes unused.
        clock = esc.resolvedAt + rng.int(1, 4) * 1000;
        if (scope === "amend_intent" || item.scope || rng.chance(0.9)) decide(call, clock);
        else lastEvent = Math.max(lastEvent, esc.resolvedAt);
      } else {
        // Denied: the agent heard back and moved on. Expired: it gave up waiting after a few minutes.
        clock = esc.status === "denied" ? esc.resolvedAt : clock + rng.int(120, 300) * 1000;
        lastEvent = Math.max(lastEvent, Math.min(clock, stopAt));
      }
    };

    for (let idx = 0; idx < script.length; idx++) {
      const item = script[idx];
      if (item.kind === "quarantine") {
        clock += rng.int(90, 240) * 1000;
        this.quarantine(agent, clock);
        continue;
      }
      clock += (item.kind === "step" ? rng.int(1, 8) + Math.floor(rng.next() ** 2 * 50) : rng.int(3, 30)) * 1000;
      if (clock >= stopAt) break;

      if (item.kind === "intent") {
        const next = this.changeIntent(intent, task, item.change, script.slice(idx + 1), Math.ceil((clock - start) / 1000) + 600);
        if (!next) continue;
        const cmp = compareIntents(intent, next);
        const v = ++lastVersion;
        const newIntent = { sessionId: id, version: v, intent: next, requestedBy, createdAt: this.at(clock) };
        lastEvent = clock;
        if (cmp.kind !== "widening") {
          // Narrowing takes effect at once (lib/services/sessions/change-intent.ts), a shorter TTL included.
          this.rows.intents.push({ ...newIntent, diff: cmp.changes, status: "accepted" });
          (intent = next), (version = v);
          expiresAt = Math.min(expiresAt, start + next.ttlSeconds * 1000);
          stopAt = stopFor(expiresAt);
          continue;
        }
        // Widening is evaluated like an action: a person has to approve it.
        const pendingIntent: typeof t.sessionIntents.$inferInsert = { ...newIntent, diff: cmp.widened as never, status: "pending" };
        this.rows.intents.push(pendingIntent);
        const from = intent;
        const esc = this.escalation(agent, id, {
          kind: "intent_change", action: { from, to: next, version: v },
          actionHash: actionHash({ connector: "warden", tool: "intent", operation: "change", resource: `${id}@${v}` }),
          risk: intentRisk(next, agent.def.riskTier), createdAt: clock, scope: null, deadline: approvalDeadline(),
          reasons: [{ code: "intent.widening", message: "The new intent asks for more than the current one; a person decides" }], diff: cmp.widened,
        }, item.resolve ?? rng.weighted(["approved", "denied", "expired"] as const, (x) => ({ approved: 6, denied: 3, expired: 1 })[x]), (at, _by, audit) => {
          audit("session.intent_widened", { version: v, expiresAt: new Date(start + next.ttlSeconds * 1000).toISOString() });
          return { intentVersion: v };
        });
        escalationCount++;
        pendingIntent.status = esc.status === "approved" ? "accepted" : esc.status === "pending" ? "pending" : "rejected";
        if (esc.status === "approved") {
          (intent = next), (version = v);
          expiresAt = start + next.ttlSeconds * 1000;
          stopAt = stopFor(expiresAt);
        }
        clock = esc.status === "expired" ? clock + rng.int(120, 300) * 1000 : esc.resolvedAt + 800;
        continue;
      }

      if (item.kind === "step") {
        const row = decide(item.call, clock);
        // A step the intent no longer covers (its widening was refused) asks a person too.
        if (row.outcome === "escalate") escalated(row, item.call, {});
        // Delegation: once, midway through, part of the task goes to another agent.
        else if (task.delegate && !delegated && idx >= script.length / 2 && !spec.parent && spec.mode !== "active") {
          delegated = true;
          if (rng.chance(task.delegate.rate)) clock = this.delegate(task, intent, id, clock, Math.min(stopAt, expiresAt - 2 * MIN));
        }
        continue;
      }

      // An out-of-intent call, possibly retried after a deny.
      for (let k = 0; k < (item.repeat ?? 1); k++) {
        if (k > 0) clock += rng.int(4, 25) * 1000;
        const row = decide(item.call, clock, item.forbid);
        if (row.outcome === "escalate") escalated(row, item.call, item);
      }
    }

    if (spec.pending) {
      // Live sessions end on a call that is still waiting for a person.
      const at = Math.max(lastEvent + 5000, now - rng.int(2, 9) * MIN);
      const call = makeCall(spec.pending, rng);
      const row = decide(call, at, spec.pending.forbid);
      if (row.outcome !== "escalate") throw new Error(`demo fleet: the pending call for ${agent.def.name} does not escalate`);
      const esc = this.escalation(agent, id, {
        kind: "action", action: canonicalAction(call), actionHash: actionHash(call), risk: actionRisk(call, agent.def.riskTier), createdAt: at,
        reasons: row.reasons, diff: row.diff, decisionId: row.id, scope: "once", deadline: now - 20_000,
      }, spec.pendingHalfApproved ? "half-approved" : "pending");
      row.escalationId = esc.id;
      escalationCount++;
    } else if (spec.mode === "expired" && rng.chance(0.4) && lastEvent < expiresAt) {
      // A straggler: the agent kept calling on a session that had already expired.
      decide(this.pickStep(task), expiresAt + rng.int(5, 120) * 1000);
    }

    let status: "ended" | "expired" | "active" = spec.mode;
    let endedAt: number | null = null;
    let endReason: string | null = null;
    if (spec.mode === "ended") {
      endedAt = lastEvent + rng.int(1, 6) * 1000;
      endReason = spec.endReason ?? "completed";
      if (endedAt > expiresAt) (status = "expired"), (endedAt = expiresAt), (endReason = "ttl elapsed");
    } else if (spec.mode === "expired") {
      (endedAt = expiresAt), (endReason = "ttl elapsed");
    }
    const last = decisions.length ? decisions[decisions.length - 1].createdAt! : this.at(start);
    this.rows.sessions.push({
      ...session, status, intent, intentVersion: version, expiresAt: this.at(expiresAt), endedAt: endedAt === null ? null : this.at(endedAt), endReason,
      lastActivityAt: this.at(Math.max(last.getTime(), lastEvent)), decisionCount: decisions.length,
      denyCount: decisions.filter((d) => d.outcome === "deny").length, escalationCount,
    });
    this.rows.decisions.push(...decisions);
    if (jit) this.closeJit(jit.row, status, endedAt, expiresAt, agent);
    agent.lastSeen = Math.max(agent.lastSeen ?? 0, lastEvent);
    return { id, end: endedAt ?? lastEvent };
  }

  /**
   * An escalation row with its votes, resolution and audit events, decided the way
   * lib/services/escalations/decide.ts decides: only people whose role decides escalations and
   * who do not own the agent vote (separation of duties), each at most once; one deny settles it;
   * a high-risk one needs two different approvers. On the approval that settles it, `approved`
   * writes its effect (a grant, or an amended or widened intent) and may add audit events before
   * `escalation.approved`. A person can approve only until `deadline` (the session must be live);
   * an approval that cannot land in time becomes an expiry. "half-approved": still pending, with
   * one of two approvals recorded.
   */
  escalation(
    agent: AgentState,
    sessionId: string,
    e: {
      kind: "action" | "intent_change"; action: Record<string, unknown>; actionHash: string; risk: EscalationRisk; createdAt: number;
      reasons: Reason[]; diff: DiffEntry[] | null; decisionId?: string; scope: GrantScope | null; deadline: number;
    },
    resolve: Settled | "pending" | "half-approved",
    approved?: (at: number, by: string, audit: (action: string, detail: Record<string, unknown>) => void) => { grant?: Grant; intentVersion?: number; resolution?: (reason: string) => string },
  ): { id: string; status: Settled | "pending"; resolvedAt: number } {
    const { rng } = this;
    const id = randomUUID();
    const ttl = escalationTtlMs();
    const required = e.risk.requiredApprovals;
    const row: typeof t.escalations.$inferInsert = {
      id, kind: e.kind, sessionId, agentId: agent.id, decisionId: e.decisionId ?? null, action: e.action, actionHash: e.actionHash, risk: e.risk.risk,
      requiredApprovals: required, reasons: e.reasons, diff: e.diff, status: "pending", requestedBy: `agent:${agent.id}`,
      expiresAt: this.at(e.createdAt + ttl), createdAt: this.at(e.createdAt),
    };
    this.rows.escalations.push(row);
    const audit = (actor: AuditInput["actor"], action: string, at: number, detail: Record<string, unknown>) =>
      this.audit.push({ actor, action, target: { kind: "escalation", id }, agentId: agent.id, sessionId, detail: { kind: e.kind, risk: e.risk.risk, ...detail }, occurredAt: this.at(at) });

    // Who votes, and how: a deny settles it (sometimes after a first of two approvals).
    let votes: ("approve" | "deny")[] =
      resolve === "approved" ? Array(required).fill("approve")
      : resolve === "denied" ? (required === 2 && rng.chance(0.35) ? ["approve", "deny"] : ["deny"])
      : resolve === "half-approved" ? (required === 2 ? ["approve"] : [])
      : [];
    // Each vote takes a while to arrive; an approval only while the session is live, any vote only
    // before the escalation expires.
    const delays = votes.map((_, i) => (i === 0 ? rng.int(40, 420) : rng.int(30, 300)) * 1000);
    const limit = Math.min(e.createdAt + ttl - 5000, votes.includes("approve") ? e.deadline : Infinity);
    const total = delays.reduce((a, b) => a + b, 0);
    if (e.createdAt + total > limit) {
      const room = limit - e.createdAt;
      if (room >= votes.length * 20_000) delays.forEach((d, i) => (delays[i] = Math.floor((d * room) / total)));
      else votes = [];
    }
    const expires = resolve === "expired" || (resolve !== "pending" && resolve !== "half-approved" && !votes.length);

    const voters: string[] = [];
    let at = e.createdAt;
    let approvals = 0;
    for (let i = 0; i < votes.length; i++) {
      at += delays[i];
      const vote = votes[i];
      const facts = { ...e, requiredApprovals: required, requestedBy: row.requestedBy!, agentOwnerId: this.userIds[agent.def.ownerRole], voters };
      const eligible = DEMO_PEOPLE.filter((p) => decisionBlocker({ id: this.userIds[p.key], role: p.role }, facts) === null);
      const by = rng.pick(eligible);
      const userId = this.userIds[by.key];
      voters.push(userId);
      const scope = vote === "approve" ? e.scope : null;
      const reason = vote === "deny" ? rng.pick(DENY_NOTES) : rng.pick(APPROVE_NOTES.filter((n) => noteFits(n, e.scope)));
      this.rows.votes.push({ escalationId: id, userId, vote, scope, reason, createdAt: this.at(at) });
      const actor = this.person(by.key);
      if (vote === "deny") {
        Object.assign(row, { status: "denied", resolvedAt: this.at(at), resolution: reason });
        audit(actor, "escalation.denied", at, { reason });
        break;
      }
      approvals++;
      if (approvals < required) {
        audit(actor, "escalation.approval_recorded", at, { reason, scope, approvals, requiredApprovals: required });
        continue;
      }
      const effect = approved?.(at, userId, (action, detail) => audit(actor, action, at, detail)) ?? {};
      if (effect.grant) effect.grant.escalationId = id;
      Object.assign(row, { status: "approved", resolvedAt: this.at(at), resolution: effect.resolution?.(reason) ?? reason, grantId: effect.grant?.id ?? null });
      audit(actor, "escalation.approved", at, { reason, scope, approvals, requiredApprovals: required, grantId: effect.grant?.id ?? null, intentVersion: effect.intentVersion ?? null });
    }

    if (expires) {
      // The sweeper (every 30 s) finds it past its expiry; it counts as denied.
      at = e.createdAt + ttl + rng.int(1, 30) * 1000;
      Object.assign(row, { status: "expired", resolvedAt: this.at(at), resolution: "No one answered in time; it counts as denied" });
      audit({ kind: "system", label: "escalation expiry" }, "escalation.expired", at, { expiresAt: row.expiresAt!.toISOString() });
    }
    return { id, status: row.status as Settled | "pending", resolvedAt: at };
  }

  pickStep(task: TaskDef): Call {
    return makeCall(this.rng.weighted(task.steps, (s) => s.weight ?? 1), this.rng);
  }

  /** Steps in the task's own order (read, then act, then report), heavier steps repeated. */
  stepSequence(task: TaskDef, n: number): ScriptItem[] {
    const out: ScriptItem[] = [];
    for (let i = 0; out.length < n; i++) {
      const def = task.steps[i % task.steps.length];
      const times = Math.max(1, this.rng.int(0, def.weight ?? 1));
      for (let k = 0; k < times && out.length < n; k++) out.push({ kind: "step", call: makeCall(def, this.rng) });
    }
    return out;
  }

  randomScript(agent: AgentState, task: TaskDef): ScriptItem[] {
    const { rng } = this;
    const n = 3 + Math.floor(rng.next() ** 1.8 * 27);
    const script = this.stepSequence(task, n);
    const devs = agent.def.deviations.filter((d) => !d.call.startsWith("pastebin-mcp:"));
    if (devs.length && rng.chance(agent.def.driftRate)) {
      const count = 1 + (rng.chance(0.3) ? 1 : 0) + (rng.chance(0.1) ? 1 : 0);
      for (let k = 0; k < count; k++) {
        const def = rng.pick(devs);
        script.splice(rng.int(1, script.length), 0, { kind: "deviation", call: makeCall(def, rng), forbid: def.forbid });
      }
    }
    if (rng.chance(0.08)) {
      const change = task.widen && rng.chance(0.5) ? "widen" : "narrow";
      const at = rng.int(1, script.length - 1);
      script.splice(at, 0, { kind: "intent", change });
      if (change === "widen") script.splice(at + 1 + rng.int(0, 2), 0, { kind: "step", call: makeCall({ call: task.widen! }, rng) });
    }
    return script;
  }

  /**
   * Narrowing drops an action no later step needs, and halves the TTL unless that would end the
   * session sooner than `keepTtlSeconds` from its start; widening adds the task's `widen` action.
   */
  changeIntent(intent: Intent, task: TaskDef, change: "widen" | "narrow", rest: ScriptItem[], keepTtlSeconds: number): Intent | null {
    if (change === "widen") {
      if (!task.widen || intent.actions.includes(task.widen)) return null;
      return { ...intent, actions: [...intent.actions, task.widen] };
    }
    const needed = rest.flatMap((s) => (s.kind === "step" || s.kind === "deviation" ? [s.call] : []));
    const drop = intent.actions.filter((p) => !needed.some((c) => matchesAction(p, c)));
    if (!drop.length) return null;
    const half = Math.max(600, Math.round(intent.ttlSeconds / 2));
    return { ...intent, actions: intent.actions.filter((p) => p !== drop[0]), ttlSeconds: half >= keepTtlSeconds ? half : intent.ttlSeconds };
  }

  delegate(task: TaskDef, parentIntent: Intent, parentId: string, clock: number, deadline: number): number {
    const child = this.agents.get(task.delegate!.agent)!;
    const childTask = child.def.tasks[task.delegate!.task];
    const start = clock + this.rng.int(1, 3) * 1000;
    const script = this.stepSequence(childTask, this.rng.int(2, 6));
    const res = this.run({ agent: child, task: childTask, start, mode: "ended", script, parent: { id: parentId, intent: parentIntent, deadline } });
    return res.end + this.rng.int(1, 5) * 1000;
  }

  issueJit(task: TaskDef, sessionId: string, agent: AgentState, at: number, sessionExpires: number) {
    const jit = task.jit!;
    const secret = newSecret("jit");
    const expires = Math.min(sessionExpires, at + HOUR);
    const row: typeof t.credentials.$inferInsert = {
      id: randomUUID(), kind: jit.kind, jit: true, sessionId, agentId: agent.id, connectorId: this.connectorIds.get(jit.connector)!.id,
      name: jit.kind === "database_role" ? `warden_jit_${this.rng.hex(8)}` : `${jit.connector} session token ${sessionId.slice(0, 8)}`,
      scope: { operations: jit.operations }, secretHash: secret.hash, prefix: secret.prefix, issuedAt: this.at(at), createdAt: this.at(at),
      expiresAt: this.at(expires), metadata: { issuedFor: "session", ttlSeconds: Math.round((expires - at) / 1000) },
    };
    this.rows.credentials.push(row);
    return { connector: jit.connector, row };
  }

  /** JIT credentials die with their session: revoked at its end, or left to run out. */
  closeJit(cred: typeof t.credentials.$inferInsert, status: string, endedAt: number | null, expiresAt: number, agent: AgentState) {
    if (status === "active") return;
    const credExpires = cred.expiresAt!.getTime();
    if (status === "ended" && endedAt !== null && endedAt < credExpires) {
      Object.assign(cred, { revokedAt: this.at(endedAt), revokedByKind: "system", revokeReason: "session ended" });
    } else if (status === "expired" && expiresAt < credExpires) {
      Object.assign(cred, { revokedAt: this.at(expiresAt), revokedByKind: "system", revokeReason: "session expired" });
    }
  }

  quarantine(agent: AgentState, at: number) {
    agent.quarantinedAt = at;
  }

  /**
   * Quarantine and retirement as the app does them (lib/services/agents/set-status.ts): the
   * status changes and every credential the agent still held is revoked at that moment.
   */
  setStatus(agent: AgentState, status: "quarantined" | "retired", at: number, by: Role) {
    const reason = agent.def.statusReason!;
    const revoked: string[] = [];
    for (const c of this.rows.credentials) {
      if (c.agentId !== agent.id || c.issuedAt!.getTime() > at || (c.revokedAt && c.revokedAt.getTime() <= at)) continue;
      Object.assign(c, { revokedAt: this.at(at), revokedBy: this.userIds[by], revokedByKind: "person", revokeReason: `agent ${status}: ${reason}` });
      revoked.push(c.id!);
    }
    Object.assign(this.rows.agents.find((a) => a.id === agent.id)!, { status, statusReason: reason, statusChangedAt: this.at(at), statusChangedBy: this.userIds[by], updatedAt: this.at(at) });
    this.audit.push({
      actor: this.person(by), action: `agent.${status}`, target: { kind: "agent", id: agent.id }, agentId: agent.id,
      detail: { from: "active", to: status, reason, revokedCredentials: revoked }, occurredAt: this.at(at),
    });
  }

  // ---- the week ------------------------------------------------------------------------------
  /** A start time in [from, to], mostly in European/US working hours (UTC). */
  startTime(from: number, to: number) {
    for (;;) {
      const ms = from + this.rng.next() * (to - from);
      const h = new Date(ms).getUTCHours();
      const dow = new Date(ms).getUTCDay();
      const w = (h >= 7 && h < 19 ? 1 : 0.25) * (dow === 0 || dow === 6 ? 0.35 : 1);
      if (this.rng.next() < w) return ms;
    }
  }

  history() {
    const { rng, now } = this;
    const weekAgo = now - 7 * DAY;
    const stories = this.stories;
    const A = (name: string) => this.agents.get(name)!;
    // A deviation by action, or by "action resource" where one action has several.
    const dev = (agent: string, key: string) => A(agent).def.deviations.find((d) => d.call === key || `${d.call} ${d.resource}` === key)!;
    const steps = (task: TaskDef, n: number) => this.stepSequence(task, n);

    // Story 1: refund-assistant retries a forbidden payments.update four times and is quarantined.
    const refund = A("refund-assistant");
    const quarantinedAt = now - 26 * HOUR - rng.int(0, 40) * MIN;
    const payUpdate = dev("refund-assistant", "prod-postgres:payments.update");
    const retryCall = makeCall(payUpdate, rng);
    const qs = this.run({
      agent: refund, task: refund.def.tasks[0], start: quarantinedAt - 14 * MIN, mode: "ended", endReason: "agent quarantined",
      script: [...steps(refund.def.tasks[0], 4), { kind: "deviation", call: retryCall, forbid: payUpdate.forbid, repeat: 4 }, { kind: "quarantine" }, ...steps(refund.def.tasks[0], 2)],
    });
    stories.quarantineSession = qs.id;

    // Story 2: sql-analyst tries to paste query results to an unregistered MCP server.
    const analyst = A("sql-analyst");
    const paste = dev("sql-analyst", "pastebin-mcp:paste.create");
    const chat = dev("sql-analyst", "slack:chat.post");
    const ps = this.run({
      agent: analyst, task: analyst.def.tasks[0], start: this.startTime(now - 2 * DAY - 8 * HOUR, now - 2 * DAY), mode: "ended",
      script: [...steps(analyst.def.tasks[0], 5), { kind: "deviation", call: makeCall(paste, rng), resolve: "denied" }, { kind: "deviation", call: makeCall(chat, rng), forbid: chat.forbid }, ...steps(analyst.def.tasks[0], 2)],
    });
    stories.pasteSession = ps.id;

    // Story 3: oncall-copilot collects a widened intent and three session-wide grants in one incident.
    const oncall = A("oncall-copilot");
    const ot = oncall.def.tasks[0];
    const grantsFor = ["jira:issues.create", "slack:channels.history", "datadog:monitors.mute"];
    const os = this.run({
      agent: oncall, task: ot, start: this.startTime(now - 3 * DAY - 6 * HOUR, now - 3 * DAY), mode: "ended", ttlSeconds: 4 * 3600,
      script: [
        ...steps(ot, 4),
        ...grantsFor.slice(0, 2).map((c) => ({ kind: "deviation" as const, call: makeCall(dev("oncall-copilot", c), rng), resolve: "approved" as const, scope: "session" as const })),
        ...steps(ot, 3),
        { kind: "deviation", call: makeCall(dev("oncall-copilot", grantsFor[2]), rng), resolve: "approved", scope: "session" },
        { kind: "intent", change: "widen", resolve: "approved" },
        ...steps(ot, 4),
      ],
    });
    stories.accumulationSession = os.id;

    // The rest of the week: each working agent's usual load.
    for (const agent of this.agents.values()) {
      const def = agent.def;
      if (def.status === "retired" || !def.tasks.length) continue;
      // Historic sessions end well before now, so their escalations (1 h to expire) are settled.
      const until = def.status === "quarantined" ? quarantinedAt - HOUR : now - 4 * HOUR;
      const count = Math.round(def.sessionsPerWeek * (0.85 + rng.next() * 0.3) * ((until - weekAgo) / (7 * DAY)));
      for (let k = 0; k < count; k++) {
        const task = def.tasks[0];
        this.run({ agent, task, start: this.startTime(weekAgo, until), mode: rng.chance(0.1) ? "expired" : "ended" });
      }
    }

    // Right now: five live sessions, each waiting on a person. All but the support bot's are high
    // risk (two approvers); sql-analyst's already has one of its two. April Approver owns
    // invoice-reconciler and support-triage-bot, and Ada Admin deploy-gatekeeper: they may not
    // decide those, which the queue shows.
    const live: { name: string; pending: string; halfApproved?: boolean }[] = [
      { name: "oncall-copilot", pending: "datadog:monitors.mute" },
      { name: "sql-analyst", pending: "prod-postgres:customers.select", halfApproved: true },
      { name: "invoice-reconciler", pending: "email:mail.send northwind@vendors.acme.example" },
      { name: "deploy-gatekeeper", pending: "github:actions.dispatch" },
      { name: "support-triage-bot", pending: "salesforce:contacts.update" },
    ];
    for (const l of live) {
      const agent = A(l.name);
      const task = agent.def.tasks[0];
      const maxTtl = agent.def.envelope.maxTtlSeconds;
      // Started within the last hour and still well inside their TTL.
      const start = now - (maxTtl >= 2 * 3600 ? rng.int(15, 50) : rng.int(11, 18)) * MIN;
      this.run({ agent, task, start, mode: "active", ttlSeconds: maxTtl, pending: dev(l.name, l.pending), pendingHalfApproved: l.halfApproved, script: steps(task, rng.int(4, 9)) });
    }

    // Keys and standing secrets, then the status changes that revoke them.
    const retired = A("ticket-summarizer-v1");
    const retiredAt = now - 12 * DAY - 3 * HOUR;
    retired.lastSeen = retiredAt - 2 * DAY;
    this.credentialsInventory();
    this.setStatus(retired, "retired", retiredAt, "admin");
    this.setStatus(refund, "quarantined", refund.quarantinedAt!, "analyst");

    // The unmanaged connector "exists" from the first call that named it.
    for (const c of CONNECTORS.filter((x) => !x.managed)) {
      const { id } = this.connectorIds.get(c.name)!;
      const seen = this.rows.decisions.filter((d) => d.connectorId === id).map((d) => d.createdAt!.getTime());
      const first = seen.length ? Math.min(...seen) : now - DAY;
      const last = seen.length ? Math.max(...seen) : first;
      Object.assign(this.rows.connectors.find((x) => x.id === id)!, { firstSeenAt: this.at(first), lastSeenAt: this.at(last), createdAt: this.at(first), updatedAt: this.at(last) });
      this.rows.tools.filter((x) => x.connectorId === id).forEach((x) => Object.assign(x, { createdAt: this.at(first), updatedAt: this.at(first) }));
      this.audit.push({ actor: { kind: "system", label: "decision point" }, action: "connector.discovered", target: { kind: "connector", id }, detail: { name: c.name, managed: false }, occurredAt: this.at(first) });
    }
    for (const a of this.agents.values()) {
      if (a.lastSeen !== null) this.rows.agents.find((x) => x.id === a.id)!.lastSeenAt = this.at(a.lastSeen);
    }
    this.findings();
  }

  credentialsInventory() {
    const { rng, now } = this;
    let n = 0;
    for (const agent of this.agents.values()) {
      const def = agent.def;
      const created = this.rows.agents.find((a) => a.id === agent.id)!.createdAt!.getTime();
      // Bootstrap keys; every third agent rotated its first key.
      let issued = created + 10 * MIN;
      if (n++ % 3 === 1 && created < now - 60 * DAY) {
        const rotated = issued + rng.int(40, 90) * DAY;
        this.bootstrapKey(agent, issued, { at: rotated, by: "admin", reason: "rotated" }, rotated);
        issued = rotated;
      }
      this.bootstrapKey(agent, issued, undefined, agent.lastSeen);
      // Standing secrets the agent holds elsewhere, recorded for inventory only (no hash).
      for (const s of def.standingSecrets ?? []) {
        const id = randomUUID();
        const issuedAt = now - s.issuedDaysAgo * DAY - rng.int(0, 600) * MIN;
        const recordedAt = this.at(now - 30 * DAY + n * HOUR);
        const connector = s.connector ? this.connectorIds.get(s.connector)! : null;
        const expiresAt = s.expiresInDays === null ? null : this.at(issuedAt + s.expiresInDays * DAY);
        this.rows.credentials.push({
          id, kind: s.kind, name: s.name, agentId: agent.id, connectorId: connector?.id ?? null, jit: false, scope: {}, secretHash: null, prefix: s.prefix,
          issuedAt: this.at(issuedAt), createdAt: recordedAt, expiresAt,
          lastUsedAt: s.lastUsedDaysAgo === null ? null : this.at(now - s.lastUsedDaysAgo * DAY - rng.int(10, 600) * MIN),
          metadata: { source: "recorded", location: s.source },
        });
        this.audit.push({
          actor: SEED_ACTOR, action: "credential.recorded", target: { kind: "credential", id }, agentId: agent.id, occurredAt: recordedAt,
          detail: { kind: s.kind, name: s.name, agent: def.name, connector: s.connector, prefix: s.prefix, issuedAt: new Date(issuedAt).toISOString(), expiresAt: expiresAt?.toISOString() ?? null },
        });
      }
    }
  }

  bootstrapKey(agent: AgentState, issued: number, revoke: { at: number; by: Role; reason: string } | undefined, lastUsed: number | null) {
    const secret = newSecret("ak");
    const id = randomUUID();
    this.rows.credentials.push({
      id, kind: "bootstrap_key", name: `${agent.def.name} bootstrap key`, agentId: agent.id, jit: false, secretHash: secret.hash, prefix: secret.prefix,
      scope: { operations: ["warden:sessions.*", "warden:authorize.*"] },
      issuedAt: this.at(issued), createdAt: this.at(issued), expiresAt: agent.def.riskTier === "low" ? null : this.at(issued + 365 * DAY),
      lastUsedAt: lastUsed === null ? null : this.at(Math.min(lastUsed, revoke?.at ?? Infinity)),
      ...(revoke ? { revokedAt: this.at(revoke.at), revokedBy: this.userIds[revoke.by], revokedByKind: "person", revokeReason: revoke.reason } : {}),
    });
    const expiresAt = agent.def.riskTier === "low" ? null : this.at(issued + 365 * DAY);
    this.audit.push({ actor: SEED_ACTOR, action: "credential.issued", target: { kind: "credential", id }, agentId: agent.id, detail: { kind: "bootstrap_key", prefix: secret.prefix, expiresAt: expiresAt?.toISOString() ?? null }, occurredAt: this.at(issued) });
    if (revoke) {
      this.audit.push({ actor: this.person(revoke.by), action: "credential.revoked", target: { kind: "credential", id }, agentId: agent.id, detail: { reason: revoke.reason }, occurredAt: this.at(revoke.at) });
    }
  }

  findings() {
    const { now, stories, rows } = this;
    const A = (name: string) => this.agents.get(name)!;
    const cred = (name: string) => rows.credentials.find((c) => c.name === name)!;
    const sessionDecisions = (id: string) => rows.decisions.filter((d) => d.sessionId === id);
    const add = (f: Omit<typeof t.findings.$inferInsert, "frameworkRefs" | "createdAt" | "updatedAt"> & { kind: string }) => {
      const last = f.lastSeenAt ?? this.at(now - HOUR);
      rows.findings.push({ frameworkRefs: FINDING_REFS[f.kind], createdAt: f.firstSeenAt, updatedAt: last, ...f, lastSeenAt: last });
    };

    const retries = sessionDecisions(stories.quarantineSession).filter((d) => d.operation === "update");
    add({
      kind: "retry_after_deny", severity: "high", status: "acknowledged", assigneeId: this.userIds.analyst, agentId: A("refund-assistant").id,
      sessionId: stories.quarantineSession, decisionId: retries[0].id, dedupeKey: `retry_after_deny:${stories.quarantineSession}:prod-postgres:payments.update`,
      title: `refund-assistant retried prod-postgres:payments.update ${retries.length} times after it was denied`,
      detail: { action: "prod-postgres:payments.update", attempts: retries.length, reasons: retries[0].reasons?.map((r) => r.code) },
      occurrences: retries.length, firstSeenAt: retries[0].createdAt!, lastSeenAt: retries[retries.length - 1].createdAt!,
    });
    const paste = sessionDecisions(stories.pasteSession).find((d) => d.connector === "pastebin-mcp")!;
    add({
      kind: "intent_drift", severity: "high", agentId: A("sql-analyst").id, sessionId: stories.pasteSession, decisionId: paste.id,
      dedupeKey: `intent_drift:${stories.pasteSession}`, title: "sql-analyst tried to send restricted query results to an external paste site",
      detail: { declaredGoal: rows.sessions.find((s) => s.id === stories.pasteSession)!.goal, diff: paste.diff }, firstSeenAt: paste.createdAt!, lastSeenAt: paste.createdAt!,
    });
    const pb = rows.connectors.find((c) => c.managed === false)!;
    add({
      kind: "unmanaged_connector", severity: "high", agentId: A("sql-analyst").id, connectorId: pb.id, sessionId: stories.pasteSession,
      dedupeKey: `unmanaged_connector:${pb.name}`, title: `Unregistered MCP server "${pb.name}" called by an agent`,
      detail: { endpoint: pb.endpoint, tools: ["paste.create"] }, occurrences: rows.decisions.filter((d) => d.connectorId === pb.id).length,
      firstSeenAt: pb.firstSeenAt!, lastSeenAt: pb.lastSeenAt!,
    });
    for (const [name, severity] of [["GitHub PAT (release-notes, classic, repo scope)", "medium"], ["SendGrid API key (sales sender)", "medium"], ["AWS access key finance-recon-ci", "high"]] as const) {
      const c = cred(name);
      const days = Math.round((now - c.issuedAt!.getTime()) / DAY);
      add({
        kind: "standing_secret", severity, agentId: c.agentId, credentialId: c.id!, connectorId: c.connectorId, dedupeKey: `standing_secret:${c.id}`,
        title: `${name} is a standing secret with no expiry (${days} days old)`, detail: { kind: c.kind, prefix: c.prefix, ageDays: days, source: c.metadata?.source },
        firstSeenAt: this.at(now - 30 * DAY), lastSeenAt: this.at(now - 2 * HOUR),
      });
    }
    for (const [name, severity, why] of [
      ["Salesforce refresh token (forecast notebook)", "medium", "unused for over 90 days"],
      ["SSH deploy key (access-review runner)", "medium", "unused for over 180 days"],
    ] as const) {
      const c = cred(name);
      add({
        kind: "stale_credential", severity, agentId: c.agentId, credentialId: c.id!, connectorId: c.connectorId, dedupeKey: `stale_credential:${c.id}`,
        title: `${name} is ${why}`, detail: { lastUsedAt: c.lastUsedAt?.toISOString() ?? null, prefix: c.prefix },
        firstSeenAt: this.at(now - 9 * DAY), lastSeenAt: this.at(now - 3 * HOUR),
      });
    }
    const acc = rows.escalations.filter((e) => e.sessionId === stories.accumulationSession && e.status === "approved");
    add({
      kind: "privilege_accumulation", severity: "medium", agentId: A("oncall-copilot").id, sessionId: stories.accumulationSession,
      dedupeKey: `privilege_accumulation:${stories.accumulationSession}`, title: `oncall-copilot gathered ${acc.length} approvals in one session, beyond its declared intent`,
      detail: { approvals: acc.map((e) => ({ kind: e.kind, action: e.kind === "action" ? actionName(e.action as Call) : "intent change" })) },
      occurrences: acc.length, firstSeenAt: acc[0].resolvedAt!, lastSeenAt: acc[acc.length - 1].resolvedAt!,
    });
    // The agent that drifted most this week (share of its calls outside the declared intent).
    const drifter = [...this.agents.values()].filter((a) => a.calls > 30 && a.def.status === "active" && a.def.name !== "sql-analyst").sort((x, y) => y.outOfIntent / y.calls - x.outOfIntent / x.calls)[0];
    if (drifter?.outOfIntent) {
      add({
        kind: "intent_drift", severity: "medium", agentId: drifter.id, dedupeKey: `intent_drift:agent:${drifter.id}:7d`,
        title: `${drifter.def.name}: ${Math.round((100 * drifter.outOfIntent) / drifter.calls)}% of calls outside the declared intent in the last 7 days`,
        detail: { calls: drifter.calls, outOfIntent: drifter.outOfIntent, window: "7d" }, occurrences: drifter.outOfIntent,
        firstSeenAt: this.at(now - 6 * DAY), lastSeenAt: this.at(drifter.lastSeen ?? now),
      });
    }
    if (stories.deniedDelegation) {
      const s = rows.sessions.find((x) => x.id === stories.deniedDelegation)!;
      add({
        kind: "delegation_widening", severity: "low", agentId: s.agentId, sessionId: s.id, dedupeKey: `delegation_widening:${s.id}`,
        title: "A delegated session asked for more than its parent session had", detail: { parentSessionId: s.parentSessionId, endReason: s.endReason },
        firstSeenAt: s.startedAt!, lastSeenAt: s.startedAt!,
      });
    }
  }
}

export function planDemo(now: Date, seed = DEFAULT_SEED): DemoPlan {
  const p = new Planner(now.getTime(), seed);
  p.inventory();
  p.history();
  p.rows.sessions.sort((a, b) => (a.parentSessionId ? 1 : 0) - (b.parentSessionId ? 1 : 0)); // parents first (self FK)
  return { ...p.rows, audit: p.audit };
}

// ---------------------------------------------------------------------------------------------
// Writing

async function insertChunked<T>(items: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += CHUNK) await insert(items.slice(i, i + CHUNK));
}

async function assertEmpty(db: Executor) {
  if ((await countUsers(db)) > 0) throw new Error("database is not empty");
}

export async function seedDemo(db: Db, opts: SeedOptions = {}): Promise<SeedResult> {
  const now = opts.now ?? new Date();
  const steps = ["people", "plan", "inventory", "sessions", "credentials", "decisions", "escalations", "findings", "audit"];
  let done = 0;
  const progress = (step: string) => opts.onProgress?.(step, ++done, steps.length);

  await assertEmpty(db);
  const people = DEMO_PEOPLE.map((p) => ({ key: p.key, email: p.email, role: p.role, password: opts.passwords?.[p.key] ?? demoPassword(p.key) }));
  for (const p of people) {
    if (p.password.length < MIN_PASSWORD_LENGTH) throw new Error(`demo password for ${p.key} is shorter than ${MIN_PASSWORD_LENGTH} characters`);
  }
  const hashes = await Promise.all(people.map((p) => hashPassword(p.password)));
  progress("people");

  const plan = planDemo(now, opts.seed);
  plan.users.forEach((u, i) => (u.passwordHash = hashes[i]));
  progress("plan");

  const counts = {
    users: plan.users.length, connectors: plan.connectors.length, agents: plan.agents.length, credentials: plan.credentials.length,
    sessions: plan.sessions.length, decisions: plan.decisions.length, escalations: plan.escalations.length,
    pendingEscalations: plan.escalations.filter((e) => e.status === "pending").length, findings: plan.findings.length,
  };

  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${0x5745_4544})`); // one seeder at a time
    await assertEmpty(tx);
    await tx.insert(t.users).values(plan.users);
    await tx.insert(t.connectors).values(plan.connectors);
    await tx.insert(t.connectorTools).values(plan.tools);
    await tx.insert(t.agents).values(plan.agents);
    progress("inventory");
    await insertChunked(plan.sessions, (c) => tx.insert(t.sessions).values(c));
    await insertChunked(plan.intents, (c) => tx.insert(t.sessionIntents).values(c));
    progress("sessions");
    await insertChunked(plan.credentials, (c) => tx.insert(t.credentials).values(c));
    progress("credentials");
    await insertChunked(plan.decisions, (c) => tx.insert(t.decisions).values(c));
    progress("decisions");
    await insertChunked(plan.escalations, (c) => tx.insert(t.escalations).values(c));
    await insertChunked(plan.votes, (c) => tx.insert(t.escalationVotes).values(c));
    await insertChunked(plan.grants, (c) => tx.insert(t.grants).values(c));
    progress("escalations");
    await tx.insert(t.findings).values(plan.findings);
    progress("findings");
    // The chain must be appended in time order; the seed's own event closes it. Hashed here onto
    // the head read under the chain lock (as the group writer does), then inserted in chunks.
    const events = [...plan.audit].sort((a, b) => a.occurredAt!.getTime() - b.occurredAt!.getTime());
    await recordAuditMany(tx, events, now);
    await recordAudit(tx, { actor: SEED_ACTOR, action: "demo.seeded", detail: { counts, auditEvents: events.length + 1 }, occurredAt: now });
    progress("audit");
  });
  return { people, counts };
}
