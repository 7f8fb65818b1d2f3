import { describe, expect, it } from "vitest";
import { argumentsDigest } from "@/lib/policy/arguments";
import { parseWith } from "@/lib/domain/request";
import { findUnstorable } from "@/lib/storable";
import { anyValue, classify, exportRequestSchema, isSensitiveKey, mapExportRequest, redactAttributes } from "./otlp";

const T = "0af7651916cd43dd8448eb211c80319c";
const S = (n: number) => n.toString(16).padStart(16, "0");
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const attr = (key: string, value: unknown) => ({
  key,
  value: typeof value === "string" ? { stringValue: value } : typeof value === "number" ? { intValue: String(value) } : typeof value === "boolean" ? { boolValue: value } : value,
});
const span = (n: number, name: string, attrs: Record<string, unknown> = {}, extra: object = {}) => ({
  traceId: T, spanId: S(n), name, kind: 1, startTimeUnixNano: ns(1_750_000_000_000 + n), endTimeUnixNano: ns(1_750_000_000_500 + n),
  attributes: Object.entries(attrs).map(([k, v]) => attr(k, v)), status: {}, ...extra,
});
const req = (...spans: object[]) => ({ resourceSpans: [{ resource: { attributes: [attr("service.name", "release-bot")] }, scopeSpans: [{ spans }] }] });
const SID = "3f0c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

describe("OTLP JSON values", () => {
  it("maps every AnyValue kind", () => {
    expect(anyValue({ stringValue: "x" })).toBe("x");
    expect(anyValue({ intValue: "42" })).toBe(42);
    expect(anyValue({ intValue: "9223372036854775807" })).toBe("9223372036854775807");
    expect(anyValue({ doubleValue: 1.5 })).toBe(1.5);
    expect(anyValue({ boolValue: false })).toBe(false);
    expect(anyValue({ arrayValue: { values: [{ stringValue: "a" }, { intValue: 1 }] } })).toEqual(["a", 1]);
    expect(anyValue({ kvlistValue: { values: [{ key: "k", value: { stringValue: "v" } }] } })).toEqual({ k: "v" });
    expect(anyValue(null)).toBeNull();
  });
});

describe("classifying GenAI spans", () => {
  it("recognises execute_tool, MCP tools/call and invoke_agent", () => {
    expect(classify("execute_tool search_issues", { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "issues" })).toEqual({ kind: "tool_call", tool: "issues", connector: null });
    expect(classify("execute_tool search_issues", {})).toMatchObject({ kind: "tool_call", tool: "search_issues" });
    expect(classify("tools/call get_weather", { "mcp.server.name": "weather" })).toEqual({ kind: "tool_call", tool: "get_weather", connector: "weather" });
    expect(classify("whatever", { "mcp.method.name": "tools/call", "mcp.tool.name": "x", "server.address": "mcp.example", "warden.connector": "github" })).toEqual({ kind: "tool_call", tool: "x", connector: "github" });
    expect(classify("invoke_agent triage", {})).toMatchObject({ kind: "agent_turn" });
    expect(classify("chat gpt-4o", { "gen_ai.operation.name": "chat" })).toMatchObject({ kind: "other" });
    expect(classify("tools/list", { "mcp.method.name": "tools/list" })).toMatchObject({ kind: "other" });
  });
});

describe("redaction on ingest", () => {
  it("treats arguments, results, messages and secret-named keys as sensitive, not token counts", () => {
    for (const k of ["gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.prompt.0.content", "gen_ai.completion", "mcp.request.argument.query", "http.request.header.authorization", "db.password", "x.api_key", "my.apiKey", "client_secret", "session.token"])
      expect(isSensitiveKey(k, "v"), k).toBe(true);
    for (const k of ["gen_ai.tool.name", "gen_ai.conversation.id", "server.address", "gen_ai.operation.name"]) expect(isSensitiveKey(k, "v"), k).toBe(false);
    expect(isSensitiveKey("gen_ai.usage.input_tokens", 12)).toBe(false);
  });

  it("keeps a digest (the decision's args digest) and the shape, never the values", () => {
    const args = { q: "label:bug", token: "sk-live-abcdefgh123" };
    const out = redactAttributes({ "gen_ai.tool.call.arguments": JSON.stringify(args), note: "Bearer abcdefghijklmnop", "url.full": "https://x.example/p?access_token=zzz", nested: { password: "hunter2", ok: "fine" } });
    expect(out["gen_ai.tool.call.arguments"]).toEqual({ redacted: true, digest: argumentsDigest(args), preview: { q: "<string:9>", token: "<string:19>" } });
    expect(out["url.full"]).toBe("https://x.example/p?<query>");
    expect((out.nested as Record<string, unknown>).ok).toBe("fine");
    const text = JSON.stringify(out);
    for (const secret of ["sk-live-abcdefgh123", "label:bug", "abcdefghijklmnop", "zzz", "hunter2"]) expect(text).not.toContain(secret);
  });
});

describe("mapping an export request", () => {
  it("maps spans, inherits the session from the invoke_agent ancestor and counts bad spans as rejected", () => {
    const r = mapExportRequest(
      req(
        span(1, "invoke_agent triage", { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": SID.toUpperCase() }),
        span(2, "execute_tool issues", { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "issues", "warden.decision.id": "not-a-uuid" }, { parentSpanId: S(1), status: { code: 2, message: "boom" } }),
        span(3, "tools/call x", {}, { spanId: "xyz" }),
        span(4, "no start", {}, { startTimeUnixNano: "0" }),
      ),
    );
    expect(r.rejected).toBe(2);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.spans).toHaveLength(2);
    const [turn, tool] = r.spans;
    expect(turn).toMatchObject({ kind: "agent_turn", sessionClaim: SID, startedAt: new Date(1_750_000_000_001) });
    expect(tool).toMatchObject({ kind: "tool_call", tool: "issues", parentSpanId: S(1), sessionClaim: SID, decisionClaim: null, status: "error" });
    expect(tool.attributes["service.name"]).toBe("release-bot");
    expect(tool.endedAt?.getTime()).toBe(1_750_000_000_502);
  });

  it("passes parseWith's guard with any text in spans, and keeps only storable text (NUL and lone surrogates become U+FFFD)", () => {
    const body = req(span(1, `execute_tool ${"t".repeat(199)}😀`, { "gen_ai.operation.name": "execute_tool", ["k\u0000"]: "v\ud800", "gen_ai.tool.name": `${"n".repeat(199)}😀` }, { status: { code: 2, message: "bad\u0000" } }));
    const r = mapExportRequest(parseWith(exportRequestSchema, body));
    expect(r.spans).toHaveLength(1);
    expect(findUnstorable(r.spans[0])).toBeNull();
    expect(r.spans[0].attributes["k\ufffd"]).toBe("v\ufffd");
    expect(r.spans[0].tool).toBe(`${"n".repeat(199)}\ufffd`);
    // An unknown field of the envelope is dropped (and not looked at), as in any body.
    expect(() => parseWith(exportRequestSchema, { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [] }] }], ["\u0000"]: 1 })).not.toThrow();
  });

  it("accepts an empty request", () => {
    expect(mapExportRequest({})).toEqual({ spans: [], rejected: 0, errors: [] });
  });
});
