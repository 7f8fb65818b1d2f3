import { sql } from "drizzle-orm";
import { rows, type Db, type Executor } from "@/lib/db/client";
import { raiseFinding } from "../findings/raise";

// Joining a tool-call span to the Warden decision that checked it, and flagging the ones that
// never asked. Rules (one place, used at ingest and by the sweeper):
// - Joined by id: the span names the decision (`warden.decision.id`) and it is this session's.
// - Else by tool: a decision of the same session for the same tool (tool, connector:tool,
//   connector.tool, connector__tool, tool.operation or connector:tool.operation) made from
//   JOIN_BEFORE_MS before the span started until JOIN_AFTER_MS after it ended (an instrumented
//   tool often asks Warden inside its own span), not already joined to another span; the
//   closest in time wins, a matching connector first.
// - A span still unchecked GRACE_MS after it started is a bypass: it is flagged once and raises
//   (or bumps) the unchecked_tool_call finding. Until then it may still be joined, since the
//   decision can commit after the span is exported. Nothing is resolved automatically: a
//   decision that shows up after the flag does not withdraw the finding.
export const JOIN_BEFORE_MS = 30_000;
export const JOIN_AFTER_MS = 5_000;
export const GRACE_MS = 60_000;

export type SpanRow = {
  id: string;
  /** unset | ok | error: a tool that Warden refused usually ends its span in error. */
  status?: string | null;
  agent_id: string;
  session_id: string | null;
  trace_id: string;
  span_id: string;
  tool: string | null;
  connector: string | null;
  started_at: Date | string;
  ended_at: Date | string | null;
  checked: boolean;
  decision_claim?: string | null;
};

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

/** Tries to join one span; returns the decision it joined (id and outcome) or null. */
async function joinSpan(tx: Executor, s: SpanRow): Promise<{ id: string; outcome: string } | null> {
  if (!s.session_id) return null;
  const claim = s.decision_claim ?? null;
  const tool = s.tool ?? "";
  const from = new Date(new Date(s.started_at).getTime() - JOIN_BEFORE_MS).toISOString();
  const until = new Date(new Date(s.ended_at ?? s.started_at).getTime() + JOIN_AFTER_MS).toISOString();
  const [hit] = rows<{ decision_id: string; outcome: string }>(
    await tx.execute(sql`
      update trace_spans t set decision_id = d.id, checked = true
      from (
        select d.id from decisions d
        where d.session_id = ${s.session_id}::uuid and d.agent_id = ${s.agent_id}::uuid
          and (d.id = ${claim}::uuid
               or (d.created_at between ${from}::timestamptz and ${until}::timestamptz
                   and ${tool} in (d.tool, d.connector || ':' || d.tool, d.connector || '.' || d.tool, d.connector || '__' || d.tool,
                                   d.tool || '.' || d.operation, d.connector || ':' || d.tool || '.' || d.operation)))
          and not exists (select 1 from trace_spans o where o.decision_id = d.id and o.agent_id = d.agent_id)
        order by (d.id = ${claim}::uuid) is true desc, (d.connector = ${s.connector}) is true desc,
                 abs(extract(epoch from d.created_at - ${iso(s.started_at)}::timestamptz))
        limit 1
      ) d
      where t.id = ${s.id}::uuid and not t.checked and t.flagged_at is null
      returning t.decision_id, (select outcome::text from decisions where id = t.decision_id) as outcome`),
  );
  return hit ? { id: hit.decision_id, outcome: hit.outcome } : null;
}

/**
 * Joins each unchecked tool-call span, then flags those past the grace period. Callers hold
 * the sessions' locks (lockSessions) so two passes cannot join one decision to two spans.
 */
export async function settleSpans(tx: Executor, spans: SpanRow[], now: Date, by: string): Promise<{ checked: number; flagged: number }> {
  let checked = 0;
  let flagged = 0;
  for (const s of spans) {
    if (s.checked || !s.session_id) continue;
    const joined = await joinSpan(tx, s);
    if (joined) {
      checked++;
      // Asked, was refused (deny, or an escalate nobody approved), and the span says the tool
      // completed anyway: the agent went around the answer. A refused call normally ends its
      // span in error (the SDK's guard throws before the tool runs), so only a span that did
      // not end in error counts.
      if (joined.outcome !== "allow" && s.status !== "error") {
        const tool = s.tool ?? "(unnamed tool)";
        await raiseFinding(
          tx,
          {
            kind: "unchecked_tool_call",
            severity: "critical",
            title: `Tool ran although Warden did not allow it: ${tool}`,
            key: `tool_ran_after_refusal:${s.session_id}:${tool}`,
            detail: { tool, connector: s.connector, traceId: s.trace_id, spanId: s.span_id, startedAt: iso(s.started_at), decisionId: joined.id, outcome: joined.outcome },
            agentId: s.agent_id,
            sessionId: s.session_id,
            decisionId: joined.id,
          },
          now,
          by,
        );
        flagged++;
      }
      continue;
    }
    if (new Date(s.started_at).getTime() > now.getTime() - GRACE_MS) continue;
    const [f] = rows<{ id: string }>(await tx.execute(sql`update trace_spans set flagged_at = ${now.toISOString()}::timestamptz where id = ${s.id}::uuid and flagged_at is null returning id`));
    if (!f) continue;
    flagged++;
    const tool = s.tool ?? "(unnamed tool)";
    // Occurrences = flagged spans of this tool in this session, so a repeat bumps the count and
    // re-running a pass never double-counts.
    const [{ n }] = rows<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from trace_spans where session_id = ${s.session_id}::uuid and agent_id = ${s.agent_id}::uuid
                           and coalesce(tool, '') = ${s.tool ?? ""} and flagged_at is not null`),
    );
    await raiseFinding(
      tx,
      {
        kind: "unchecked_tool_call",
        severity: "high",
        title: `Tool call bypassed Warden: ${tool}`,
        key: `unchecked_tool_call:${s.session_id}:${tool}`,
        detail: { tool, connector: s.connector, traceId: s.trace_id, spanId: s.span_id, startedAt: iso(s.started_at), spans: n },
        agentId: s.agent_id,
        sessionId: s.session_id,
        occurrences: n,
      },
      now,
      by,
    );
  }
  return { checked, flagged };
}

/** Serialises joins per session (transaction-scoped advisory locks, in a fixed order). */
export async function lockSessions(tx: Executor, sessionIds: string[]) {
  for (const id of [...new Set(sessionIds)].sort()) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${"trace:" + id}))`);
}

/**
 * The sweeper's pass: tool calls still unchecked and not yet flagged (the partial index keeps
 * this set small — every span leaves it within GRACE_MS of its start, joined or flagged).
 */
export async function reconcileTraceSpans(db: Db, now = new Date(), limit = 500): Promise<{ checked: number; flagged: number }> {
  return db.transaction(async (tx) => {
    const pending = rows<SpanRow>(
      await tx.execute(sql`
        select id, agent_id, session_id, trace_id, span_id, tool, connector, started_at, ended_at, checked, status, attributes ->> 'warden.decision.id' as decision_claim
        from trace_spans where kind = 'tool_call' and not checked and flagged_at is null and session_id is not null
        order by started_at limit ${limit}`),
    ).map((r) => ({ ...r, decision_claim: /^[0-9a-f-]{36}$/i.test(r.decision_claim ?? "") ? r.decision_claim : null }));
    if (!pending.length) return { checked: 0, flagged: 0 };
    await lockSessions(tx, pending.map((s) => s.session_id!));
    return settleSpans(tx, pending, now, "trace reconciler");
  });
}
