import { z } from "zod";
import { notStoredAsGiven } from "@/lib/domain/request";
import { argumentsDigest, redactedPreview } from "@/lib/policy/arguments";
import { toStorable } from "@/lib/storable";
import type { SpanKind } from "@/lib/db/schema/telemetry";

// OTLP/HTTP JSON (ExportTraceServiceRequest) → spans in Warden's terms, following the
// OpenTelemetry GenAI and MCP semantic conventions. Pure: no I/O, so every rule is unit-tested.
// A span that cannot be used is counted as rejected (partialSuccess), never a failed request.

export const MAX_SPANS_PER_REQUEST = 5000;
const MAX_STRING = 512;
const MAX_DEPTH = 6;

/**
 * The envelope only; each span is checked on its own so one bad span does not sink the batch.
 * Spans and attributes are not stored as sent: every kept string is clipped and made storable
 * (NUL and lone surrogates become U+FFFD) by the mapping below, so parseWith's guard leaves them.
 */
export const exportRequestSchema = notStoredAsGiven(
  z.object({
    resourceSpans: z
      .array(
        z.object({
          resource: z.object({ attributes: z.array(z.unknown()).optional() }).nullish(),
          scopeSpans: z.array(z.object({ spans: z.array(z.unknown()).nullish() })).nullish(),
        }),
      )
      .nullish(),
  }),
  ["resourceSpans.*.resource.attributes", "resourceSpans.*.scopeSpans.*.spans"],
);
export type ExportRequest = z.infer<typeof exportRequestSchema>;

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${n}}$`), `${n} hex digits`);
const nanos = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]);
const keyValue = z.object({ key: z.string().max(256), value: z.unknown().optional() });
const spanSchema = z.object({
  traceId: hex(32),
  spanId: hex(16),
  parentSpanId: z.union([hex(16), z.literal("")]).nullish(),
  name: z.string().max(2000),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos.nullish(),
  attributes: z.array(keyValue).max(1000).nullish(),
  status: z.object({ code: z.union([z.number(), z.string()]).nullish(), message: z.string().nullish() }).nullish(),
});

export type MappedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  tool: string | null;
  connector: string | null;
  startedAt: Date;
  endedAt: Date | null;
  status: "unset" | "ok" | "error";
  /** Redacted: safe to store and show. */
  attributes: Record<string, unknown>;
  /** The session the span names (a uuid, not yet checked against the caller's sessions). */
  sessionClaim: string | null;
  /** The Warden decision the span names (warden.decision.id), unchecked. */
  decisionClaim: string | null;
};

/** OTLP AnyValue → plain JSON. int64 arrives as a string; kept a number when it is safe. */
export function anyValue(v: unknown, depth = 0): unknown {
  if (!v || typeof v !== "object" || depth > MAX_DEPTH) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.stringValue === "string") return o.stringValue;
  if (typeof o.boolValue === "boolean") return o.boolValue;
  if (o.intValue !== undefined && o.intValue !== null) {
    const n = Number(o.intValue);
    return Number.isSafeInteger(n) ? n : String(o.intValue);
  }
  if (o.doubleValue !== undefined && o.doubleValue !== null) return typeof o.doubleValue === "number" ? o.doubleValue : Number(o.doubleValue);
  if (typeof o.bytesValue === "string") return `<bytes:${o.bytesValue.length}>`;
  if (o.arrayValue && typeof o.arrayValue === "object") {
    const vals = (o.arrayValue as { values?: unknown }).values;
    return Array.isArray(vals) ? vals.slice(0, 100).map((x) => anyValue(x, depth + 1)) : [];
  }
  if (o.kvlistValue && typeof o.kvlistValue === "object") {
    const vals = (o.kvlistValue as { values?: unknown }).values;
    return Array.isArray(vals) ? kvList(vals, depth + 1) : {};
  }
  return null;
}

function kvList(values: unknown[], depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of values.slice(0, 1000)) {
    const p = keyValue.safeParse(kv);
    if (p.success) out[p.data.key] = anyValue(p.data.value, depth);
  }
  return out;
}

// Keys whose values are arguments, results, prompts or messages: their content is the agent's
// data (customer records, pasted secrets), so only a digest and the shape are kept.
const CONTENT_KEY =
  /^(gen_ai\.(tool\.call\.(arguments|result)|input\.messages|output\.messages|system_instructions|prompt|completion)|mcp\.request\.argument|(input|output)\.value)(\.|$)|(^|\.)(arguments?|args|results?|messages|content|prompt|completion|body|headers?)(\.|$)/i;
const SECRET_KEY = /secret|token|password|passwd|authorization|api[_-]?key|cookie|credential|private[_-]?key/i;
// Values that look like credentials wherever they appear (a name, an error message, a URL).
const SECRET_VALUE = /(sk-[A-Za-z0-9_-]{8,}|wdn_[a-z]{2,4}_[A-Za-z0-9_-]{16,}|\bBearer\s+\S{8,}|eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|xox[abprs]-[\w-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY)/;
const URL_KEY = /^(url\.full|http\.url|http\.target|url\.query)$/;

/** Whether an attribute's value must not be stored as sent. Token counts are not tokens. */
export function isSensitiveKey(key: string, value?: unknown): boolean {
  if (/^gen_ai\.usage\./.test(key) && typeof value === "number") return false;
  return CONTENT_KEY.test(key) || SECRET_KEY.test(key);
}

export const looksSecret = (s: string) => SECRET_VALUE.test(s);

/** A stored stand-in for a value: its digest (comparable with a decision's args_digest) and shape. */
export function redactValue(value: unknown): { redacted: true; digest: string | null; preview: unknown } {
  let parsed = value;
  // Arguments and results usually arrive as a JSON string: digest and preview what it encodes.
  if (typeof value === "string" && /^\s*[[{]/.test(value)) {
    try {
      parsed = JSON.parse(value);
    } catch {
      /* not JSON: keep the string */
    }
  }
  return { redacted: true, digest: argumentsDigest(parsed), preview: redactedPreview(parsed) };
}

/** Every attribute value either safe to keep (short, not secret-looking) or redacted. */
export function redactAttributes(attrs: Record<string, unknown>, prefix = "", depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    const key = toStorable(k.slice(0, 256));
    const path = prefix ? `${prefix}.${key}` : key;
    out[key] = redactOne(path, v, depth);
  }
  return out;
}

function redactOne(path: string, v: unknown, depth: number): unknown {
  if (isSensitiveKey(path, v)) return redactValue(v);
  if (typeof v === "string") {
    if (looksSecret(v)) return redactValue(v);
    // URLs keep scheme, host and path; the query string is where tokens travel.
    const s = URL_KEY.test(path) ? v.replace(/\?.*$/s, path === "url.query" ? "<query>" : "?<query>") : v;
    return clip(s);
  }
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redactOne(path, x, depth + 1));
  if (v && typeof v === "object") return depth >= MAX_DEPTH ? "<object>" : redactAttributes(v as Record<string, unknown>, path, depth + 1);
  return v;
}

// Storable once cut: a cut can split a surrogate pair.
const clip = (s: string, max = MAX_STRING) => toStorable(s.length > max ? `${s.slice(0, max)}…` : s);
const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (v: unknown) => (typeof v === "string" && UUID.test(v.trim()) ? v.trim().toLowerCase() : null);

function toDate(n: string | number | null | undefined): Date | null {
  if (n === null || n === undefined) return null;
  const ms = Number(BigInt(n) / 1_000_000n);
  // 0 means "not set" in OTLP; anything outside 2000–2200 is not a real time.
  return ms > 946_684_800_000 && ms < 7_258_118_400_000 ? new Date(ms) : null;
}

function statusOf(code: unknown): MappedSpan["status"] {
  if (code === 2 || code === "2" || code === "STATUS_CODE_ERROR") return "error";
  if (code === 1 || code === "1" || code === "STATUS_CODE_OK") return "ok";
  return "unset";
}

/**
 * Classification (GenAI semconv): a tool call is `gen_ai.operation.name = execute_tool` (or a
 * span named `execute_tool …`) or an MCP `tools/call` (`mcp.method.name`, or a span named
 * `tools/call …`); `invoke_agent` is the agent's turn; anything else is kept as context.
 */
export function classify(name: string, attrs: Record<string, unknown>): { kind: SpanKind; tool: string | null; connector: string | null } {
  const op = str(attrs["gen_ai.operation.name"]);
  const method = str(attrs["mcp.method.name"]);
  const execMatch = /^execute_tool(?:\s+(.+))?$/.exec(name.trim());
  const mcpMatch = /^tools\/call(?:\s+(.+))?$/.exec(name.trim());
  const isTool = op === "execute_tool" || !!execMatch || method === "tools/call" || !!mcpMatch;
  if (isTool) {
    const tool = str(attrs["gen_ai.tool.name"]) ?? str(attrs["mcp.tool.name"]) ?? str(execMatch?.[1]) ?? str(mcpMatch?.[1]);
    const connector = str(attrs["warden.connector"]) ?? str(attrs["mcp.server.name"]) ?? str(attrs["server.address"]);
    return { kind: "tool_call", tool: tool && toStorable(clip(tool).slice(0, 200)), connector: connector && toStorable(clip(connector).slice(0, 200)) };
  }
  if (op === "invoke_agent" || /^invoke_agent(\s|$)/.test(name.trim())) return { kind: "agent_turn", tool: null, connector: null };
  return { kind: "other", tool: null, connector: null };
}

/** Maps a whole request. Sessions named by an ancestor span in the batch are inherited. */
export function mapExportRequest(req: ExportRequest): { spans: MappedSpan[]; rejected: number; errors: string[] } {
  const spans: MappedSpan[] = [];
  const errors = new Set<string>();
  let rejected = 0;
  for (const rs of req.resourceSpans ?? []) {
    const resource = kvList(rs.resource?.attributes ?? []);
    const service = str(resource["service.name"]);
    for (const ss of rs.scopeSpans ?? []) {
      for (const raw of ss.spans ?? []) {
        if (spans.length >= MAX_SPANS_PER_REQUEST) {
          rejected++;
          errors.add(`more than ${MAX_SPANS_PER_REQUEST} spans in one request`);
          continue;
        }
        const p = spanSchema.safeParse(raw);
        const startedAt = p.success ? toDate(p.data.startTimeUnixNano) : null;
        if (!p.success || !startedAt) {
          rejected++;
          errors.add(p.success ? "startTimeUnixNano: not a time" : `${p.error.issues[0].path.join(".")}: ${p.error.issues[0].message}`);
          continue;
        }
        const s = p.data;
        const attrs = kvList(s.attributes ?? []);
        const { kind, tool, connector } = classify(s.name, attrs);
        const endedAt = toDate(s.endTimeUnixNano);
        const kept = redactAttributes(attrs);
        if (service && kept["service.name"] === undefined) kept["service.name"] = looksSecret(service) ? "<redacted>" : clip(service);
        if (s.status?.message) kept["otel.status_description"] = redactOne("otel.status_description", s.status.message, 0);
        spans.push({
          traceId: s.traceId.toLowerCase(),
          spanId: s.spanId.toLowerCase(),
          parentSpanId: s.parentSpanId ? s.parentSpanId.toLowerCase() : null,
          name: looksSecret(s.name) ? "<redacted>" : toStorable(clip(s.name).slice(0, 200)),
          kind,
          tool: tool && looksSecret(tool) ? "<redacted>" : tool,
          connector: connector && looksSecret(connector) ? "<redacted>" : connector,
          startedAt,
          endedAt: endedAt && endedAt >= startedAt ? endedAt : null,
          status: statusOf(s.status?.code),
          attributes: kept,
          sessionClaim: uuidOrNull(attrs["warden.session.id"]) ?? uuidOrNull(attrs["gen_ai.conversation.id"]),
          decisionClaim: uuidOrNull(attrs["warden.decision.id"]),
        });
      }
    }
  }
  inheritSessions(spans);
  return { spans, rejected, errors: [...errors] };
}

/** A tool span usually carries no conversation id; its invoke_agent ancestor does. */
function inheritSessions(spans: MappedSpan[]) {
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  for (const s of spans) {
    let cur: MappedSpan | undefined = s;
    for (let hops = 0; cur && !cur.sessionClaim && cur.parentSpanId && hops < 64; hops++) cur = byId.get(`${s.traceId}/${cur.parentSpanId}`);
    if (!s.sessionClaim && cur?.sessionClaim) s.sessionClaim = cur.sessionClaim;
  }
}
