import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents";
import { createdAt, id, tz } from "./columns";

/** What a span stands for in Warden's terms (lib/services/telemetry/otlp.ts classifies). */
export type SpanKind = "tool_call" | "agent_turn" | "other";

// Spans from agents' own OpenTelemetry GenAI traces (OTLP ingest), joined to Warden's decisions.
// Attributes are stored redacted: arguments, results, messages and secrets only as digest + shape.
export const traceSpans = pgTable(
  "trace_spans",
  {
    id: id(),
    // The agent that sent the span (its credentials); a span is never attributed to another.
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id),
    // Null when the span named no session of this agent (unknown, or another agent's).
    sessionId: uuid("session_id"),
    traceId: text("trace_id").notNull(),
    spanId: text("span_id").notNull(),
    parentSpanId: text("parent_span_id"),
    name: text("name").notNull(),
    kind: text("kind").$type<SpanKind>().notNull(),
    tool: text("tool"),
    connector: text("connector"),
    startedAt: tz("started_at").notNull(),
    endedAt: tz("ended_at"),
    status: text("status").notNull().default("unset"), // unset | ok | error
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    // The Warden decision this tool call was checked by (null: not checked, or not a tool call).
    decisionId: uuid("decision_id"),
    checked: boolean("checked").notNull().default(false),
    // When an unchecked tool call was settled as a bypass (finding raised); later passes skip it.
    flaggedAt: tz("flagged_at"),
    createdAt: createdAt(),
  },
  (t) => [
    // idempotent ingest: the same span sent twice is one row
    uniqueIndex("trace_spans_span_key").on(t.agentId, t.traceId, t.spanId),
    // session timeline / traces card
    index("trace_spans_session_idx").on(t.sessionId, t.startedAt),
    // sweeper re-join: a session's tool calls still unchecked and not yet flagged (a small set:
    // each leaves it within a minute, checked or flagged)
    index("trace_spans_unchecked_idx").on(t.startedAt).where(sql`kind = 'tool_call' and not checked and flagged_at is null and session_id is not null`),
    // "is this decision already joined to a span"
    index("trace_spans_decision_idx").on(t.decisionId),
  ],
);
