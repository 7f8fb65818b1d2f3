import { sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { rows, type Db } from "@/lib/db/client";
import type { AgentCaller } from "@/lib/services/machine/authenticate";
import { mapExportRequest, type ExportRequest, type MappedSpan } from "./otlp";
import { lockSessions, settleSpans, type SpanRow } from "./settle";

export type IngestResult = {
  received: number;
  stored: number;
  duplicates: number;
  rejected: number;
  errors: string[];
  toolCalls: number;
  checked: number;
  flagged: number;
  unattributed: number;
};

/**
 * Stores an agent's spans (redacted), attributed to that agent only, joins its tool calls to
 * Warden's decisions and flags the ones that bypassed Warden (settle.ts). A span naming a
 * session that is not this agent's is kept without a session: it is never joined, and the
 * answer is the same as for a session that does not exist. One audit event per request.
 */
export async function ingestTraces(db: Db, agent: AgentCaller, req: ExportRequest, meta: { requestId?: string; ip?: string | null }, now = new Date()): Promise<IngestResult> {
  const { spans, rejected, errors } = mapExportRequest(req);
  const result: IngestResult = { received: spans.length + rejected, stored: 0, duplicates: 0, rejected, errors, toolCalls: 0, checked: 0, flagged: 0, unattributed: 0 };
  if (!spans.length) return result;

  const sessionOf = await resolveSessions(db, agent.id, spans);
  return db.transaction(async (tx) => {
    const values = spans.map((s) => {
      const sessionId = sessionOf(s);
      return sql`(${agent.id}::uuid, ${sessionId}::uuid, ${s.traceId}, ${s.spanId}, ${s.parentSpanId}, ${s.name}, ${s.kind}, ${s.tool}, ${s.connector},
                  ${s.startedAt.toISOString()}::timestamptz, ${s.endedAt?.toISOString() ?? null}::timestamptz, ${s.status}, ${JSON.stringify(s.attributes)}::jsonb)`;
    });
    const inserted: SpanRow[] = [];
    // Chunked so a large batch stays under the bind-parameter limit.
    for (let i = 0; i < values.length; i += 500) {
      inserted.push(
        ...rows<SpanRow>(
          await tx.execute(sql`
            insert into trace_spans (agent_id, session_id, trace_id, span_id, parent_span_id, name, kind, tool, connector, started_at, ended_at, status, attributes)
            values ${sql.join(values.slice(i, i + 500), sql`, `)}
            on conflict (agent_id, trace_id, span_id) do nothing
            returning id, agent_id, session_id, trace_id, span_id, tool, connector, started_at, ended_at, checked, status, kind`),
        ),
      );
    }
    const claims = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s.decisionClaim]));
    const tools = inserted.filter((r) => (r as SpanRow & { kind: string }).kind === "tool_call");
    for (const t of tools) t.decision_claim = claims.get(`${t.trace_id}/${t.span_id}`) ?? null;
    await lockSessions(tx, tools.flatMap((t) => (t.session_id ? [t.session_id] : [])));
    const settled = await settleSpans(tx, tools, now, "telemetry ingest");

    result.stored = inserted.length;
    result.duplicates = spans.length - inserted.length;
    result.toolCalls = tools.length;
    result.checked = settled.checked;
    result.flagged = settled.flagged;
    result.unattributed = inserted.filter((r) => !r.session_id).length;
    await recordAudit(tx, {
      actor: { kind: "agent", id: agent.id, label: agent.name },
      action: "telemetry.ingested",
      target: { kind: "agent", id: agent.id },
      agentId: agent.id,
      detail: { received: result.received, stored: result.stored, duplicates: result.duplicates, rejected, toolCalls: result.toolCalls, checked: result.checked, flagged: result.flagged, unattributed: result.unattributed },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return result;
  });
}

/**
 * Which of the named sessions are this agent's. A span naming none inherits the session of its
 * trace: from a span in the same batch, else from one stored earlier by the same agent.
 */
async function resolveSessions(db: Db, agentId: string, spans: MappedSpan[]): Promise<(s: MappedSpan) => string | null> {
  const claimed = [...new Set(spans.flatMap((s) => (s.sessionClaim ? [s.sessionClaim] : [])))];
  const own = new Set<string>();
  if (claimed.length) {
    const found = rows<{ id: string }>(
      await db.execute(sql`select id from sessions where agent_id = ${agentId}::uuid and id in (${sql.join(claimed.map((c) => sql`${c}::uuid`), sql`, `)})`),
    );
    for (const r of found) own.add(r.id);
  }
  const byTrace = new Map<string, string>();
  for (const s of spans) if (s.sessionClaim && own.has(s.sessionClaim) && !byTrace.has(s.traceId)) byTrace.set(s.traceId, s.sessionClaim);
  const orphanTraces = [...new Set(spans.filter((s) => !s.sessionClaim && !byTrace.has(s.traceId)).map((s) => s.traceId))];
  if (orphanTraces.length) {
    const stored = rows<{ trace_id: string; session_id: string }>(
      await db.execute(sql`select distinct on (trace_id) trace_id, session_id from trace_spans
                           where agent_id = ${agentId}::uuid and session_id is not null and trace_id in (${sql.join(orphanTraces.slice(0, 1000).map((t) => sql`${t}`), sql`, `)})`),
    );
    for (const r of stored) byTrace.set(r.trace_id, r.session_id);
  }
  // An explicit claim is final: a span naming a session that is not this agent's gets none.
  return (s) => (s.sessionClaim ? (own.has(s.sessionClaim) ? s.sessionClaim : null) : (byTrace.get(s.traceId) ?? null));
}
