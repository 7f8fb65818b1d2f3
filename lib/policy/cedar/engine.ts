// Decision step 4: organisation guardrails in Cedar. `forbid` wins over `permit`; a forbid marked
// as escalating asks a person instead of denying (unless a plain forbid also matched); nothing
// matching means deny.
//
// Cost per decision does not grow with the number of policies: policies are filed by their scope
// (see scope.ts) and each decision hands Cedar only the slice whose scope matches this request,
// pre-parsed once per distinct slice (slice-cache.ts). `decideUnsliced` evaluates everything and
// is the reference the slicing is tested against.
//
// Escalating forbids: a forbid escalates when it carries `@escalate("true")` (or a bare
// `@escalate`), or when its policy record says `onForbid: "escalate"` and the statement does not
// say `@escalate("false")`. The annotation on the statement wins over the record.
// An optional `@reason("...")` annotation becomes the reason message shown to agents and approvers.
import { policyToJson, statefulIsAuthorized, type Response, type Schema } from "@cedar-policy/cedar-wasm/nodejs";
import { toCedarRequest, toolEntityId, type CedarRequest, type PolicyRequest } from "./request";
import { ACTION_TYPE, AGENT_TYPE, CONNECTOR_TYPE, TOOL_TYPE, WARDEN_SCHEMA, actionAncestors, uidKey, type Uid } from "./schema";
import { indexKeys, requestKeys, scopeMatches, scopeOf, sideOf, type RequestSides, type Scope } from "./scope";
import { preparsedSlice } from "./slice-cache";
import { checkPolicies, positionOf, type PolicyProblem } from "./source";

export { validatePolicyText, type PolicyProblem, type PolicyTextCheck, type SourceProblem } from "./source";

export type PolicyInput = { id: string; text: string; onForbid?: "deny" | "escalate"; enabled: boolean };

export type PolicyOutcome = "allow" | "deny" | "escalate";
export type PolicyReasonCode = "policy.forbid" | "policy.escalate" | "policy.no_permit";
export type PolicyMatch = { policyId: string; effect: "permit" | "forbid"; escalate: boolean };
export type PolicyReason = { code: PolicyReasonCode; message: string; policyId?: string };
export type PolicyDecision = {
  decision: PolicyOutcome;
  /** The determining policies: the matching forbids, or (on allow) the matching permits. */
  matched: PolicyMatch[];
  reasons: PolicyReason[];
  /** Cedar statements evaluated for this decision (the slice size). */
  evaluated: number;
  /**
   * Statements Cedar could not evaluate (e.g. an entity literal that is not in the request), for
   * the server log and the decision record; not for the agent. A forbid among them counts as
   * matching (fail closed); a permit among them does not permit.
   */
  evaluationErrors?: { policyId: string; message: string }[];
};

export interface PolicyEngine {
  /** Number of Cedar statements in the compiled set. */
  readonly size: number;
  decide(request: PolicyRequest): PolicyDecision;
  /** Same answer without slicing, evaluating every statement: a test and benchmark reference. */
  decideUnsliced(request: PolicyRequest): PolicyDecision;
}

export type CompileResult =
  | { ok: true; engine: PolicyEngine; warnings: PolicyProblem[] }
  | { ok: false; errors: PolicyProblem[]; warnings: PolicyProblem[] };

type SliceMeta = { uses?: ReadonlySet<string>; groups: boolean };
type Statement = { policyId: string; effect: "permit" | "forbid"; escalate: boolean; reason?: string; text: string; scope: Scope };

let generations = 0;

export type CompileOptions = {
  /** Remember answers per distinct (pruned) request. Off only to measure raw evaluation cost. */
  memo?: boolean;
};

export function compilePolicies(policies: readonly PolicyInput[], schema: Schema = WARDEN_SCHEMA, opts: CompileOptions = {}): CompileResult {
  const enabled = policies.filter((p) => p.enabled);
  const errors: PolicyProblem[] = [];
  const seen = new Set<string>();
  for (const p of enabled) {
    if (seen.has(p.id)) errors.push({ policyId: p.id, message: "duplicate policy id", line: 1, column: 1 });
    seen.add(p.id);
  }
  const checked = checkPolicies(enabled, schema);
  errors.push(...checked.errors);

  const statements: Statement[] = [];
  for (const p of enabled) {
    for (const text of checked.statements.get(p.id) ?? []) {
      const answer = policyToJson(text);
      if (answer.type === "failure") {
        errors.push({ policyId: p.id, message: answer.errors.map((e) => e.message).join("; "), ...at(p.text, text) });
        continue;
      }
      const json = answer.json;
      // A bare `@escalate` has no value (null in Cedar's JSON) and means "true".
      const flag: string | null | undefined = json.annotations?.escalate;
      if (flag !== undefined && flag !== null && flag !== "" && flag !== "true" && flag !== "false") {
        errors.push({ policyId: p.id, message: `@escalate must be "true" or "false", not "${flag}"`, ...at(p.text, text) });
        continue;
      }
      const escalate = json.effect === "forbid" && (flag === undefined ? p.onForbid === "escalate" : flag !== "false");
      const reason = json.annotations?.reason;
      statements.push({ policyId: p.id, effect: json.effect, escalate, ...(reason ? { reason } : {}), text, scope: scopeOf(json) });
    }
  }
  if (errors.length) return { ok: false, errors, warnings: checked.warnings };
  return { ok: true, engine: new SlicedEngine(statements, schema, opts.memo ?? true), warnings: checked.warnings };
}

function at(recordText: string, statementText: string): { line: number; column: number } {
  const i = recordText.indexOf(statementText);
  return i < 0 ? { line: 1, column: 1 } : positionOf(recordText, new TextEncoder().encode(recordText.slice(0, i)).length);
}

const MEMO_MAX = 20_000;

/** Every field of the request, in a fixed order: equal keys mean equal requests. */
export function requestKey(r: PolicyRequest): string {
  const a = r.agent;
  const c = r.connector;
  return JSON.stringify([
    a.name, a.riskTier, a.team, a.status, a.identity,
    c.name, c.managed, c.kind, c.sensitivity, c.environment,
    r.tool, r.operation, r.access, r.resource ?? null, r.sensitivity, r.destination ?? null,
    r.destinationExternal, r.intentMatch, r.sessionAgeSeconds, r.escalationCount, r.denialCount,
  ]);
}

class SlicedEngine implements PolicyEngine {
  private readonly generation = ++generations;
  private readonly buckets = new Map<string, number[]>();
  private readonly unconstrained: number[] = [];
  private readonly lineage: Map<string, Set<string>>;
  private readonly actionParents: Map<string, Uid[]>;
  private readonly groupIds: Set<string>;
  private readonly seen: Uint32Array;
  private stamp = 0;
  /** Answers by slice + pruned request (see decide); bounded, oldest dropped first. */
  private readonly memo = new Map<string, PolicyDecision>();
  /** Answers by the complete request (see decide). */
  private readonly exact = new Map<string, PolicyDecision>();

  constructor(
    private readonly statements: Statement[],
    schema: Schema,
    private readonly useMemo: boolean,
  ) {
    this.actionParents = actionAncestors(schema);
    this.groupIds = new Set([...this.actionParents.values()].flatMap((up) => up.map((u) => u.id)));
    this.lineage = new Map([...this.actionParents].map(([action, up]) => [action, new Set([action, ...up.map((u) => uidKey(u.type, u.id))])]));
    this.seen = new Uint32Array(statements.length);
    statements.forEach((s, i) => {
      const keys = indexKeys(s.scope, this.lineage);
      if (!keys) return void this.unconstrained.push(i);
      for (const key of keys) {
        const bucket = this.buckets.get(key);
        if (bucket) bucket.push(i);
        else this.buckets.set(key, [i]);
      }
    });
  }

  get size(): number {
    return this.statements.length;
  }

  decide(request: PolicyRequest): PolicyDecision {
    if (!this.useMemo) return this.decideSliced(request);
    // First level: the whole request, keyed cheaply. Most calls repeat one another exactly
    // (within a second: the session's age is part of it), so this skips slicing and pruning.
    const key = requestKey(request);
    const hit = this.exact.get(key);
    if (hit) return hit;
    const decision = this.decideSliced(request);
    if (this.exact.size >= MEMO_MAX) this.exact.delete(this.exact.keys().next().value as string);
    this.exact.set(key, decision);
    return decision;
  }

  private decideSliced(request: PolicyRequest): PolicyDecision {
    const slice = this.slice(this.sides(request));
    if (slice.length === 0) return noPermit(0);
    const { slot, meta } = preparsedSlice(`${this.generation}:${slice.join(",")}`, slice.length, () => this.build(slice, true));
    const cedarRequest = toCedarRequest(request, meta.uses);
    // Cedar is a pure function of the (pruned) request and the slice: agents repeat the same
    // calls, so most decisions are answered from this memo. The request holds only what the
    // slice's policies can read, so a hit can never hide a difference a policy would see.
    if (!this.useMemo) return this.evaluate(cedarRequest, slot, slice, meta.groups);
    const memoKey = `${slot}|${JSON.stringify(cedarRequest)}|${meta.groups ? 1 : 0}`;
    const hit = this.memo.get(memoKey);
    if (hit) return hit;
    const decision = this.evaluate(cedarRequest, slot, slice, meta.groups);
    if (this.memo.size >= MEMO_MAX) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(memoKey, decision);
    return decision;
  }

  decideUnsliced(request: PolicyRequest): PolicyDecision {
    const all = this.statements.map((_, i) => i);
    if (all.length === 0) return noPermit(0);
    // The reference: every statement, and the request in full.
    const { slot } = preparsedSlice(`${this.generation}:all`, all.length, () => this.build(all, false));
    return this.evaluate(toCedarRequest(request), slot, all, true);
  }

  // One policy text: Cedar pre-parses a single string several times faster than a record of
  // statements, and numbers its statements policy0..n in order, i.e. by position in `slice`.
  // `uses` = every identifier the slice's statements write (see toCedarRequest); `groups` = the
  // text names an action group (a raw substring test: it may say yes too often, never too rarely).
  private build(slice: number[], prune: boolean): { text: string; meta: SliceMeta } {
    const text = slice.map((i) => this.statements[i].text).join("\n");
    if (!prune) return { text, meta: { groups: true } };
    return { text, meta: { uses: new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g)), groups: [...this.groupIds].some((id) => text.includes(id)) } };
  }

  // Must describe the same uids toCedarRequest sends (see scope.ts).
  private sides(r: PolicyRequest): RequestSides {
    return {
      principal: sideOf(AGENT_TYPE, r.agent.name),
      action: sideOf(ACTION_TYPE, r.access, this.lineage.get(uidKey(ACTION_TYPE, r.access)) ?? []),
      resource: sideOf(TOOL_TYPE, toolEntityId(r.connector.name, r.tool), [uidKey(CONNECTOR_TYPE, r.connector.name)]),
    };
  }

  /** Statement numbers (ascending) whose scope matches the request. */
  private slice(sides: RequestSides): number[] {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const out: number[] = [];
    const consider = (i: number) => {
      if (this.seen[i] === this.stamp) return;
      this.seen[i] = this.stamp;
      if (scopeMatches(this.statements[i].scope, sides)) out.push(i);
    };
    for (const key of requestKeys(sides)) this.buckets.get(key)?.forEach(consider);
    this.unconstrained.forEach(consider);
    return out.sort((a, b) => a - b);
  }

  private evaluate(r: CedarRequest, slot: string, slice: number[], withGroups: boolean): PolicyDecision {
    // The action's groups, flattened: Cedar learns `write in mutate` only from entities. Left out
    // when no group is named in the slice (nothing could test membership).
    const groups = withGroups ? (this.actionParents.get(uidKey(r.action.type, r.action.id)) ?? []) : [];
    const entities = groups.length > 0 ? [...r.entities, { uid: r.action, attrs: {}, parents: groups }] : r.entities;
    const answer = statefulIsAuthorized({
      principal: r.principal,
      action: r.action,
      resource: r.resource,
      context: r.context,
      entities,
      preparsedPolicySetId: slot,
    });
    // Only a malformed request gets here (the policies were validated): a bug, not a decision.
    if (answer.type === "failure") throw new Error(`Cedar evaluation failed: ${answer.errors.map((e) => e.message).join("; ")}`);
    return this.outcome(answer.response, slice);
  }

  private outcome(response: Response, slice: number[]): PolicyDecision {
    const evaluated = slice.length;
    const byId = (id: string): Statement => {
      const s = this.statements[slice[Number(/^policy(\d+)$/.exec(id)?.[1] ?? NaN)]];
      if (!s) throw new Error(`Cedar answered with an unknown policy id ${id}`);
      return s;
    };
    const satisfied = response.diagnostics.reason.map(byId);
    const errored = response.diagnostics.errors.map((e) => ({ s: byId(e.policyId), message: e.error.message }));
    const extra = errored.length ? { evaluationErrors: errored.map(({ s, message }) => ({ policyId: s.policyId, message })) } : {};
    // A forbid that could not be evaluated counts as matching: fail closed.
    const forbids = [
      ...satisfied.filter((s) => s.effect === "forbid").map((s) => ({ s, broken: false })),
      ...errored.filter(({ s }) => s.effect === "forbid").map(({ s }) => ({ s, broken: true })),
    ];
    if (forbids.length > 0) {
      const reasons = forbids.map(({ s, broken }): PolicyReason => {
        const base = s.reason ?? (s.escalate ? `policy "${s.policyId}" requires a person's approval` : `forbidden by policy "${s.policyId}"`);
        // The cause stays in evaluationErrors: it may quote policy internals.
        const message = broken ? `${base} (the policy could not be evaluated and counts as matching)` : base;
        return { code: s.escalate ? "policy.escalate" : "policy.forbid", message, policyId: s.policyId };
      });
      const decision = forbids.some(({ s }) => !s.escalate) ? "deny" : "escalate";
      return { decision, matched: unique(forbids.map(({ s }) => s)), reasons: uniqueReasons(reasons), evaluated, ...extra };
    }
    const permits = satisfied.filter((s) => s.effect === "permit");
    if (permits.length === 0) return { ...noPermit(evaluated), ...extra };
    return { decision: "allow", matched: unique(permits), reasons: [], evaluated, ...extra };
  }
}

function noPermit(evaluated: number): PolicyDecision {
  return { decision: "deny", matched: [], reasons: [{ code: "policy.no_permit", message: "no policy permits this action" }], evaluated };
}

// A record with several statements reports once per (record, effect, escalate).
function unique(statements: Statement[]): PolicyMatch[] {
  const out = new Map<string, PolicyMatch>();
  for (const s of statements) out.set(`${s.policyId}\0${s.effect}\0${s.escalate}`, { policyId: s.policyId, effect: s.effect, escalate: s.escalate });
  return [...out.values()];
}

function uniqueReasons(reasons: PolicyReason[]): PolicyReason[] {
  const out = new Map<string, PolicyReason>();
  for (const r of reasons) out.set(`${r.code}\0${r.policyId}\0${r.message}`, r);
  return [...out.values()];
}
