import { randomUUID } from "node:crypto";
import { uuidv7 } from "@/lib/db/uuidv7";
import { notFound } from "@/lib/errors";
import type { GroupWriter } from "@/lib/audit/group-writer";
import type { DiffEntry, Reason } from "@/lib/db/schema/decisions";
import { afterViolation, approve, decide, type Decision } from "@/lib/policy/decide";
import type { AgentCaller } from "../machine/authenticate";
import { findGrant, type UsableGrant } from "../escalations/grants";
import type { ActiveEngine } from "../policies/active-engine";
import type { FactCache } from "./facts";
import type { Db } from "@/lib/db/client";
import { submissionFor, type DecisionContext, type Meta } from "./record";
import type { AuthorizeInput } from "./schemas";

/** The runtime's parts a decision uses (lib/runtime.ts), with the policy set current now. */
export type DecisionDeps = { db: Db; writer: GroupWriter; facts: FactCache; engine: ActiveEngine };

export type AuthorizeResult = {
  decision: "allow" | "deny" | "escalate";
  reasons: Reason[];
  decisionId: string;
  /** The escalation raised, or (with grantId) the approved one this allow rests on. */
  escalationId?: string;
  grantId?: string;
  diff?: DiffEntry[];
};

/**
 * The per-tool-call decision (design.md "The decision path"): load the facts, decide (pure,
 * lib/policy/decide.ts), look up an approval for an escalate, and commit the decision with its
 * audit event (group commit) before answering. If a precondition no longer holds at commit, the
 * writer writes nothing and says which; the call is decided again once, or recorded as a deny.
 * If the write fails the caller gets an error and the route answers deny: no allow ever exists
 * without its audit record.
 */
export async function authorize({ db, writer, engine, facts }: DecisionDeps, agent: AgentCaller, input: AuthorizeInput, meta: Meta): Promise<AuthorizeResult> {
  for (let attempt = 1; ; attempt++) {
    const started = process.hrtime.bigint();
    const now = new Date();
    // Cached facts come without a promise; awaiting only a real one keeps the usual path free of
    // suspensions (see answerAuthorize).
    const s = facts.session(input.sessionId, agent.id);
    const session = s instanceof Promise ? await s : s;
    // Another agent's session is as unknown as a made-up id.
    if (!session) throw notFound("Session");
    const c = facts.connector(input.action.connector, now);
    const connector = c instanceof Promise ? await c : c;

    let decision = decide({ now, agent, session, connector }, input.action, engine);
    const grant = decision.grantFor ? await findGrant(db, session.id, decision.grantFor, now) : undefined;
    if (grant) decision = approve(decision, grant);

    const latencyUs = Number((process.hrtime.bigint() - started) / 1000n);
    const context: DecisionContext = { id: uuidv7(now.getTime()), now, agent, session, connector, action: input.action, policyVersion: engine.version, meta, latencyUs };
    const committed = await writer.submit(submissionFor(context, decision, grant, decision.outcome === "escalate" ? randomUUID() : undefined));
    if (!committed.violation) return answer(context.id, decision, grant, committed.decision.escalationId);

    const next = afterViolation(decision, committed.violation, attempt);
    if (next === "decide again") {
      facts.forget(session.id);
      continue;
    }
    // A deny needs no precondition, so this commit cannot be refused.
    await writer.submit(submissionFor(context, next));
    return answer(context.id, next);
  }
}

function answer(decisionId: string, d: Decision, grant?: UsableGrant, escalationId?: string | null): AuthorizeResult {
  const approved = d.outcome === "allow" && grant;
  const id = d.outcome === "escalate" ? escalationId : approved ? grant.escalationId : undefined;
  return {
    decision: d.outcome,
    reasons: d.reasons,
    decisionId,
    ...(id ? { escalationId: id } : {}),
    ...(approved ? { grantId: grant.id } : {}),
    ...(d.diff ? { diff: d.diff } : {}),
  };
}
