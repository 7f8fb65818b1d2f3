// The general Cedar engine: policies of one general namespace, evaluated on requests built by
// request.ts, over the same sliced core as the agent engine (cedar/sliced-core.ts).
//
// Slicing: a request's sides are its principal and resource uids with their ancestor closure
// from the entity store, and its action with its schema groups; buckets are composite where a
// policy constrains both resource and action (buckets.ts). `decideUnsliced` is the reference.
//
// Outcome: forbids first. A request escalates only if a permit also matched and every matching
// forbid escalates (`@escalate`, or the record's onForbid); otherwise a matching forbid denies,
// and so does the absence of a permit. `@risk("high")` on an escalating forbid is reported as
// `risk: "high"` (two approvers); `@reason` becomes the reason's message. On a deny by a plain
// forbid, `matched` names the plain forbids and any forbid that could not be evaluated, not the
// escalating ones that matched too (Cedar names only the determining policies; see
// escalateNeedsPermit in sliced-core.ts).
import { uidKey } from "../cedar/schema";
import { sideOf, type RequestSides } from "../cedar/scope";
import { SlicedCore, compileStatements, type PolicyDecision, type PolicyInput } from "../cedar/sliced-core";
import type { PolicyProblem } from "../cedar/source";
import { generalIndexKeys, generalRequestKeys } from "./buckets";
import { cedarRequestOf, type GeneralRequest } from "./request";
import type { SchemaModel } from "./schema-model";

export type GeneralDecision = PolicyDecision;

export interface GeneralEngine {
  readonly namespace: string;
  /** Number of Cedar statements in the compiled set. */
  readonly size: number;
  decide(request: GeneralRequest): GeneralDecision;
  /** Same answer evaluating every statement with the unpruned request: the reference. */
  decideUnsliced(request: GeneralRequest): GeneralDecision;
}

export type GeneralCompileResult =
  | { ok: true; engine: GeneralEngine; warnings: PolicyProblem[] }
  | { ok: false; errors: PolicyProblem[]; warnings: PolicyProblem[] };

export function compileGeneral(policies: readonly PolicyInput[], model: SchemaModel, ns: string, opts: { memo?: boolean } = {}): GeneralCompileResult {
  const space = model.namespaces.get(ns);
  if (!space) return { ok: false, errors: [{ policyId: "", message: `no namespace ${ns} in the schema`, line: 1, column: 1 }], warnings: [] };
  const { statements, errors, warnings } = compileStatements(policies, model.json, { risk: true });
  if (errors.length) return { ok: false, errors, warnings };

  const actionParents = new Map([...space.actions.values()].map((a) => [uidKey(a.uid.type, a.uid.id), [...a.groups]]));
  const lineage = new Map([...actionParents].map(([action, up]) => [action, new Set([action, ...up.map((u) => uidKey(u.type, u.id))])]));
  const core = new SlicedCore(statements, {
    keysOf: (s) => generalIndexKeys(s, lineage),
    requestKeys: generalRequestKeys,
    actionParents,
    memo: opts.memo ?? true,
    escalateNeedsPermit: true,
  });

  const sides = (r: GeneralRequest): RequestSides => {
    const action = uidKey(r.action.type, r.action.id);
    return {
      principal: sideOf(r.principal.uid.type, r.principal.uid.id, r.principal.ancestors.map((u) => uidKey(u.type, u.id))),
      action: sideOf(r.action.type, r.action.id, lineage.get(action) ?? []),
      resource: sideOf(r.resource.uid.type, r.resource.uid.id, r.resource.ancestors.map((u) => uidKey(u.type, u.id))),
    };
  };
  const engine: GeneralEngine = {
    namespace: ns,
    size: core.size,
    decide(r) {
      if (r.namespace !== ns) throw new Error(`a request in namespace ${r.namespace} reached the engine of ${ns}`);
      return core.decide(sides(r), (uses) => cedarRequestOf(r, uses));
    },
    decideUnsliced(r) {
      if (r.namespace !== ns) throw new Error(`a request in namespace ${r.namespace} reached the engine of ${ns}`);
      return core.decideUnsliced(cedarRequestOf(r));
    },
  };
  return { ok: true, engine, warnings };
}
