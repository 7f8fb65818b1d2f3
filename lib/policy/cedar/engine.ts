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
import type { Schema } from "@cedar-policy/cedar-wasm/nodejs";
import { toCedarRequest, toolEntityId, type PolicyRequest } from "./request";
import { ACTION_TYPE, AGENT_TYPE, CONNECTOR_TYPE, TOOL_TYPE, WARDEN_SCHEMA, actionAncestors, uidKey } from "./schema";
import { indexKeys, requestKeys, sideOf, type RequestSides } from "./scope";
import { SlicedCore, compileStatements, type PolicyDecision, type PolicyInput, type Statement } from "./sliced-core";
import type { PolicyProblem } from "./source";

export { validatePolicyText, type PolicyProblem, type PolicyTextCheck, type SourceProblem } from "./source";
export type { PolicyDecision, PolicyInput, PolicyMatch, PolicyOutcome, PolicyReason, PolicyReasonCode } from "./sliced-core";

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

export type CompileOptions = {
  /** Remember answers per distinct (pruned) request. Off only to measure raw evaluation cost. */
  memo?: boolean;
};

export function compilePolicies(policies: readonly PolicyInput[], schema: Schema = WARDEN_SCHEMA, opts: CompileOptions = {}): CompileResult {
  const { statements, errors, warnings } = compileStatements(policies, schema, { risk: false });
  if (errors.length) return { ok: false, errors, warnings };
  return { ok: true, engine: new SlicedEngine(statements, schema, opts.memo ?? true), warnings };
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

/** The agent adapter: a tool call's sides and Cedar request, over the shared sliced core. */
class SlicedEngine implements PolicyEngine {
  private readonly core: SlicedCore;
  private readonly lineage: Map<string, Set<string>>;
  /** Answers by the complete request (see decide). */
  private readonly exact = new Map<string, PolicyDecision>();

  constructor(
    statements: Statement[],
    schema: Schema,
    private readonly useMemo: boolean,
  ) {
    const actionParents = actionAncestors(schema);
    const lineage = new Map([...actionParents].map(([action, up]) => [action, new Set([action, ...up.map((u) => uidKey(u.type, u.id))])]));
    this.lineage = lineage;
    this.core = new SlicedCore(statements, { keysOf: (s) => indexKeys(s, lineage), requestKeys, actionParents, memo: useMemo, escalateNeedsPermit: false });
  }

  get size(): number {
    return this.core.size;
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
    return this.core.decide(this.sides(request), (uses) => toCedarRequest(request, uses));
  }

  decideUnsliced(request: PolicyRequest): PolicyDecision {
    return this.core.decideUnsliced(toCedarRequest(request));
  }

  // Must describe the same uids toCedarRequest sends (see scope.ts).
  private sides(r: PolicyRequest): RequestSides {
    return {
      principal: sideOf(AGENT_TYPE, r.agent.name),
      action: sideOf(ACTION_TYPE, r.access, this.lineage.get(uidKey(ACTION_TYPE, r.access)) ?? []),
      resource: sideOf(TOOL_TYPE, toolEntityId(r.connector.name, r.tool), [uidKey(CONNECTOR_TYPE, r.connector.name)]),
    };
  }
}
