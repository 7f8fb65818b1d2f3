// The type-agnostic half of a sliced Cedar engine, shared by the agent engine (engine.ts) and the
// general one (lib/policy/general/engine.ts): statements filed in buckets by scope, the slice a
// request's scope selects, one Cedar call over the pre-parsed slice, and the rule that turns
// Cedar's answer into allow / deny / escalate. What a request looks like, which bucket keys a
// scope and a request have, and how a request becomes Cedar input stay with each adapter.
import { policyToJson, policyToText, statefulIsAuthorized, type Context, type EntityJson, type EntityUidJson, type Response, type Schema } from "@cedar-policy/cedar-wasm/nodejs";
import { uidKey, type Uid } from "./schema";
import { scopeMatches, scopeOf, type RequestSides, type Scope } from "./scope";
import { preparsedSlice } from "./slice-cache";
import { checkPolicies, positionOf, type PolicyProblem } from "./source";

export type PolicyInput = { id: string; text: string; onForbid?: "deny" | "escalate"; enabled: boolean };

export type PolicyOutcome = "allow" | "deny" | "escalate";
export type PolicyReasonCode = "policy.forbid" | "policy.escalate" | "policy.no_permit";
/** `risk` only on escalating forbids that say `@risk("high")` (general engine; two approvers). */
export type PolicyMatch = { policyId: string; effect: "permit" | "forbid"; escalate: boolean; risk?: "high" };
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
  /** On escalate only: a matching forbid says `@risk("high")`, so approval takes two people. */
  risk?: "high";
};

export type Statement = {
  policyId: string;
  effect: "permit" | "forbid";
  escalate: boolean;
  reason?: string;
  risk?: "high";
  text: string;
  scope: Scope;
};

/** What one Cedar call needs besides the policies. */
export type CoreRequest = {
  principal: EntityUidJson & Uid;
  action: EntityUidJson & Uid;
  resource: EntityUidJson & Uid;
  context: Context;
  entities: EntityJson[];
};

export type Compiled = { statements: Statement[]; errors: PolicyProblem[]; warnings: PolicyProblem[] };

/**
 * Parse and validate the enabled records against `schema` and turn each Cedar statement into a
 * Statement. `@escalate("true")` (or bare) escalates a forbid, `@escalate("false")` does not, and
 * without it the record's `onForbid` decides; `@reason` is the message. `@risk` is read only when
 * `risk` is on (general policies): "high" or "low", meaningful on an escalating forbid only.
 */
export function compileStatements(policies: readonly PolicyInput[], schema: Schema, opts: { risk: boolean }): Compiled {
  const enabled = policies.filter((p) => p.enabled);
  const errors: PolicyProblem[] = [];
  const seen = new Set<string>();
  for (const p of enabled) {
    if (seen.has(p.id)) errors.push({ policyId: p.id, message: "duplicate policy id", line: 1, column: 1 });
    seen.add(p.id);
  }
  const checked = checkPolicies(enabled, schema);
  errors.push(...checked.errors);
  const warnings = [...checked.warnings];

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
      let risk: "high" | undefined;
      const riskFlag: string | null | undefined = opts.risk ? json.annotations?.risk : undefined;
      if (riskFlag !== undefined) {
        if (riskFlag !== "high" && riskFlag !== "low") {
          errors.push({ policyId: p.id, message: `@risk must be "high" or "low", not "${riskFlag ?? ""}"`, ...at(p.text, text) });
          continue;
        }
        if (!escalate) warnings.push({ policyId: p.id, message: "@risk only matters on a forbid that escalates; it is ignored here", ...at(p.text, text) });
        else if (riskFlag === "high") risk = "high";
      }
      statements.push({ policyId: p.id, effect: json.effect, escalate, ...(reason ? { reason } : {}), ...(risk ? { risk } : {}), text, scope: scopeOf(json) });
    }
  }
  return { statements, errors, warnings };
}

function at(recordText: string, statementText: string): { line: number; column: number } {
  const i = recordText.indexOf(statementText);
  return i < 0 ? { line: 1, column: 1 } : positionOf(recordText, new TextEncoder().encode(recordText.slice(0, i)).length);
}

export type CoreOptions = {
  /** Bucket keys a statement is filed under; null = evaluated for every request. */
  keysOf: (scope: Scope) => string[] | null;
  /** Bucket keys a request looks up: must reach every statement whose scope can match it. */
  requestKeys: (sides: RequestSides) => Iterable<string>;
  /** Every action's groups, transitively, by uid key (Cedar learns them only from entities). */
  actionParents: ReadonlyMap<string, Uid[]>;
  /** Remember answers per distinct slice + (pruned) Cedar request. */
  memo: boolean;
  /**
   * General requests: an escalating forbid asks a person only if a permit also matched (an
   * approval can lift a forbid, it cannot stand in for a missing permit). Agents always have the
   * baseline permit, so their engine escalates on the forbids alone. Cedar's answer names only
   * the determining policies (the forbids, on a deny), so to learn whether a permit matched
   * beside the escalating forbids, those are handed to Cedar as permits: Cedar then allows and
   * names them with the real permits, and `outcome` knows them as forbids. A plain forbid still
   * makes Cedar deny, naming only the plain forbids, which is the answer either way.
   */
  escalateNeedsPermit: boolean;
};

type SliceMeta = { uses?: ReadonlySet<string>; groups: boolean };

const MEMO_MAX = 20_000;
let generations = 0;

export class SlicedCore {
  private readonly generation = ++generations;
  private readonly buckets = new Map<string, number[]>();
  private readonly unconstrained: number[] = [];
  private readonly groupIds: Set<string>;
  /** The text Cedar evaluates for each statement (see escalateNeedsPermit). */
  private readonly texts: string[];
  private readonly seen: Uint32Array;
  private stamp = 0;
  /** Answers by slice + pruned request (see decide); bounded, oldest dropped first. */
  private readonly memo = new Map<string, PolicyDecision>();

  constructor(
    private readonly statements: readonly Statement[],
    private readonly opts: CoreOptions,
  ) {
    this.groupIds = new Set([...opts.actionParents.values()].flatMap((up) => up.map((u) => u.id)));
    this.texts = statements.map((s) => (opts.escalateNeedsPermit && s.escalate ? asPermit(s.text) : s.text));
    this.seen = new Uint32Array(statements.length);
    statements.forEach((s, i) => {
      const keys = opts.keysOf(s.scope);
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

  /**
   * The sliced decision. `toCedar(uses)` builds the request with only what the slice's statements
   * can read (`uses` = every identifier they write); it must describe the same uids as `sides`.
   */
  decide(sides: RequestSides, toCedar: (uses: ReadonlySet<string>) => CoreRequest): PolicyDecision {
    const slice = this.slice(sides);
    if (slice.length === 0) return noPermit(0);
    const sliceKey = slice.join(",");
    const { slot, meta } = preparsedSlice(`${this.generation}:${sliceKey}`, slice.length, () => this.build(slice, true));
    const cedarRequest = toCedar(meta.uses as ReadonlySet<string>);
    // Cedar is a pure function of the (pruned) request and the slice: requests repeat, so many
    // decisions are answered from this memo. The request holds only what the slice's policies can
    // read, so a hit can never hide a difference a policy would see. Keyed by the slice's
    // statements, not its cache slot: an evicted slot is reused for other statements.
    if (!this.opts.memo) return this.evaluate(cedarRequest, slot, slice, meta.groups);
    const memoKey = `${sliceKey}|${JSON.stringify(cedarRequest)}|${meta.groups ? 1 : 0}`;
    const hit = this.memo.get(memoKey);
    if (hit) return hit;
    const decision = this.evaluate(cedarRequest, slot, slice, meta.groups);
    if (this.memo.size >= MEMO_MAX) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(memoKey, decision);
    return decision;
  }

  /** The reference: every statement, and the request in full. */
  decideUnsliced(request: CoreRequest): PolicyDecision {
    const all = this.statements.map((_, i) => i);
    if (all.length === 0) return noPermit(0);
    const { slot } = preparsedSlice(`${this.generation}:all`, all.length, () => this.build(all, false));
    return this.evaluate(request, slot, all, true);
  }

  // One policy text: Cedar pre-parses a single string several times faster than a record of
  // statements, and numbers its statements policy0..n in order, i.e. by position in `slice`.
  // `uses` = every identifier the slice's statements write; `groups` = the text names an action
  // group (a raw substring test: it may say yes too often, never too rarely).
  private build(slice: number[], prune: boolean): { text: string; meta: SliceMeta } {
    const text = slice.map((i) => this.texts[i]).join("\n");
    if (!prune) return { text, meta: { groups: true } };
    return { text, meta: { uses: new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g)), groups: [...this.groupIds].some((id) => text.includes(id)) } };
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
    for (const key of this.opts.requestKeys(sides)) this.buckets.get(key)?.forEach(consider);
    this.unconstrained.forEach(consider);
    return out.sort((a, b) => a - b);
  }

  private evaluate(r: CoreRequest, slot: string, slice: number[], withGroups: boolean): PolicyDecision {
    // The action's groups, flattened: Cedar learns `write in mutate` only from entities. Left out
    // when no group is named in the slice (nothing could test membership).
    const groups = withGroups ? (this.opts.actionParents.get(uidKey(r.action.type, r.action.id)) ?? []) : [];
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
    const permits = satisfied.filter((s) => s.effect === "permit");
    // A forbid that could not be evaluated counts as matching: fail closed.
    const forbids = [
      ...satisfied.filter((s) => s.effect === "forbid").map((s) => ({ s, broken: false })),
      ...errored.filter(({ s }) => s.effect === "forbid").map(({ s }) => ({ s, broken: true })),
    ];
    if (forbids.length > 0) {
      const allEscalate = forbids.every(({ s }) => s.escalate);
      const escalate = allEscalate && (permits.length > 0 || !this.opts.escalateNeedsPermit);
      const reasons = forbids.map(({ s, broken }): PolicyReason => {
        // Escalating forbids that cannot escalate (nothing permits) read as plain forbids: an
        // approval would not help, so the reason must not promise one. Beside a plain forbid they
        // keep their code, as they always have for agents.
        const asks = s.escalate && !(allEscalate && !escalate);
        const base = s.reason ?? (asks ? `policy "${s.policyId}" requires a person's approval` : `forbidden by policy "${s.policyId}"`);
        // The cause stays in evaluationErrors: it may quote policy internals.
        const message = broken ? `${base} (the policy could not be evaluated and counts as matching)` : base;
        return { code: asks ? "policy.escalate" : "policy.forbid", message, policyId: s.policyId };
      });
      if (allEscalate && !escalate) reasons.push(noPermit(evaluated).reasons[0]);
      const risk = escalate && forbids.some(({ s }) => s.risk === "high") ? { risk: "high" as const } : {};
      return { decision: escalate ? "escalate" : "deny", matched: unique(forbids.map(({ s }) => s)), reasons: uniqueReasons(reasons), evaluated, ...extra, ...risk };
    }
    if (permits.length === 0) return { ...noPermit(evaluated), ...extra };
    return { decision: "allow", matched: unique(permits), reasons: [], evaluated, ...extra };
  }
}

/** The same statement with effect permit, printed by Cedar from its JSON form. */
function asPermit(text: string): string {
  const json = policyToJson(text);
  if (json.type === "failure") throw new Error(`a compiled statement no longer parses: ${json.errors.map((e) => e.message).join("; ")}`);
  const printed = policyToText({ ...json.json, effect: "permit" });
  if (printed.type === "failure") throw new Error(`Cedar could not print a statement: ${printed.errors.map((e) => e.message).join("; ")}`);
  return printed.text;
}

export function noPermit(evaluated: number): PolicyDecision {
  return { decision: "deny", matched: [], reasons: [{ code: "policy.no_permit", message: "no policy permits this action" }], evaluated };
}

// A record with several statements reports once per (record, effect, escalate).
function unique(statements: Statement[]): PolicyMatch[] {
  const out = new Map<string, PolicyMatch>();
  for (const s of statements) {
    out.set(`${s.policyId}\0${s.effect}\0${s.escalate}`, { policyId: s.policyId, effect: s.effect, escalate: s.escalate, ...(s.risk ? { risk: s.risk } : {}) });
  }
  return [...out.values()];
}

function uniqueReasons(reasons: PolicyReason[]): PolicyReason[] {
  const out = new Map<string, PolicyReason>();
  for (const r of reasons) out.set(`${r.code}\0${r.policyId}\0${r.message}`, r);
  return [...out.values()];
}
