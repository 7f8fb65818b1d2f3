// warden-gateway: an MCP proxy that asks Warden before every tools/call it forwards.
//
// One upstream MCP server (spawned over stdio or reached by Streamable HTTP URL) is shared by
// every downstream client; each downstream client connection gets its own Warden session, opened
// with the configured intent and ended when the client goes away.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { matchesAction } from "../lib/policy/patterns";
import { UNAVAILABLE, type Action, type Decision, type Intent } from "../sdk";
import { actionsFor, baseAction, wardenName, type MappingFile, type ToolMapping } from "./mapping";
import { WardenClient, WardenUnavailable } from "./warden-client";

/** JSON-RPC error codes the gateway answers with. */
export const DENIED = -32001;
export const INTERNAL = -32603;
export const INVALID_PARAMS = -32602;

/** A JSON-RPC error as the SDK's Server sends it: code, message and data as given. */
export class GatewayError extends Error {
  constructor(
    public code: number,
    message: string,
    public data?: unknown,
  ) {
    super(message);
  }
}

export type UpstreamSpec =
  | { kind: "stdio"; command: string; args: string[]; env?: Record<string, string>; cwd?: string }
  | { kind: "http"; url: string; headers?: Record<string, string> };

export type GatewayOptions = {
  warden: WardenClient;
  intent: Intent;
  mapping: MappingFile;
  /** Overrides the upstream's own name (the default connector). */
  serverName?: string;
  /** Applied to every tool before the mapping file (e.g. { resourceArg: "path" }). */
  defaults?: ToolMapping;
  /** How long a call may wait for a person on an escalation; 0 refuses at once. */
  escalationTimeoutMs: number;
  log?: (line: string) => void;
};

export async function connectUpstream(spec: UpstreamSpec): Promise<Client> {
  const client = new Client({ name: "warden-gateway", version: "0.1.0" });
  const transport =
    spec.kind === "stdio"
      ? new StdioClientTransport({ command: spec.command, args: spec.args, env: spec.env, cwd: spec.cwd, stderr: "inherit" })
      : new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: spec.headers } });
  await client.connect(transport);
  return client;
}

export class Gateway {
  readonly serverName: string;
  private sessions = new Set<GatewaySession>();
  private log: (line: string) => void;

  constructor(
    readonly upstream: Client,
    readonly opts: GatewayOptions,
  ) {
    this.serverName = wardenName(opts.serverName ?? upstream.getServerVersion()?.name ?? "mcp");
    this.log = opts.log ?? ((l) => process.stderr.write(`warden-gateway: ${l}\n`));
  }

  /** A downstream MCP server for one client connection; connect it to a transport. */
  createSession(): GatewaySession {
    const s = new GatewaySession(this, this.log);
    this.sessions.add(s);
    s.server.onclose = () => {
      this.sessions.delete(s);
      void s.end("client disconnected");
    };
    return s;
  }

  /** Ends every open Warden session, then closes the upstream. */
  async close(reason = "gateway shut down") {
    await Promise.all([...this.sessions].map((s) => s.end(reason)));
    await this.upstream.close().catch(() => {});
  }

  async upstreamTools(): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.upstream.listTools(cursor ? { cursor } : undefined);
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  /** Could the session's intent cover this tool at all (connector:tool.operation patterns)? */
  intentCovers(toolName: string): boolean {
    const a = baseAction(this.opts.mapping, this.serverName, toolName, this.opts.defaults);
    return this.opts.intent.actions.some((p) => matchesAction(p, a));
  }

  actions(toolName: string, args: Record<string, unknown> | undefined): Action[] {
    return actionsFor(this.opts.mapping, this.serverName, toolName, args, this.opts.defaults);
  }
}

export class GatewaySession {
  readonly server: Server;
  private sessionId: string | null = null;
  private opening: Promise<string> | null = null;
  private refused: GatewayError | null = null;
  private ended = false;

  constructor(
    private gw: Gateway,
    private log: (line: string) => void,
  ) {
    const info = gw.upstream.getServerVersion();
    this.server = new Server({ name: `warden-gateway/${gw.serverName}`, version: info?.version ?? "0.1.0" }, { capabilities: { tools: {} }, instructions: gw.upstream.getInstructions() });
    this.server.oninitialized = () => {
      this.ensureSession().catch(() => {}); // retried on the first call; its error goes to that call
    };
    this.server.setRequestHandler(ListToolsRequestSchema, async () => {
      const tools = await this.gw.upstreamTools().catch((e) => {
        throw new GatewayError(INTERNAL, `Upstream server did not list its tools: ${(e as Error).message}`);
      });
      return { tools: tools.filter((t) => this.gw.intentCovers(t.name)) };
    });
    this.server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
      const { name, arguments: args } = req.params;
      const tools = await this.gw.upstreamTools().catch((e) => {
        throw new GatewayError(INTERNAL, `Upstream server did not list its tools: ${(e as Error).message}`);
      });
      if (!tools.some((t) => t.name === name)) throw new GatewayError(INVALID_PARAMS, `Unknown tool: ${name}`);
      const sessionId = await this.ensureSession();
      for (const action of this.gw.actions(name, args)) {
        const d = await this.decide(sessionId, action, extra.signal);
        if (d.decision !== "allow") {
          const label = `${action.connector}:${action.tool}.${action.operation}`;
          this.log(`${d.decision} ${label}${action.resource ? ` ${action.resource}` : ""}: ${d.reasons.map((r) => r.code).join(", ")}`);
          // Warden unavailable or unreachable (reason warden.unavailable) is a deny like any other.
          const notForwarded = d.reasons.some((r) => r.code === UNAVAILABLE) ? "; the call was not forwarded" : "";
          throw new GatewayError(DENIED, `Warden ${d.decision === "deny" ? "denied" : "did not approve"} ${label}: ${d.reasons.map((r) => r.message).join("; ") || "no reason given"}${notForwarded}`, {
            decision: d.decision,
            reasons: d.reasons,
            decisionId: d.decisionId,
            escalationId: d.escalationId,
            diff: d.diff,
            action: { connector: action.connector, tool: action.tool, operation: action.operation, resource: action.resource },
          });
        }
      }
      return this.gw.upstream.callTool({ name, arguments: args, _meta: req.params._meta }, undefined, { signal: extra.signal });
    });
  }

  get id() {
    return this.sessionId;
  }

  /** The Warden session for this client, opened on first need (and again after a failure). */
  async ensureSession(): Promise<string> {
    if (this.refused) throw this.refused;
    if (this.sessionId) return this.sessionId;
    if (this.ended) throw new GatewayError(INTERNAL, "The gateway session has ended");
    this.opening ??= this.open().finally(() => (this.opening = null));
    return this.opening;
  }

  private async open(): Promise<string> {
    let s;
    try {
      s = await this.gw.opts.warden.openSession(this.gw.opts.intent);
    } catch (e) {
      throw unavailable(e);
    }
    if (s.status === "pending" && s.escalationId) {
      this.log(`session ${s.id}: the intent waits for approval (escalation ${s.escalationId})`);
      const e = await this.gw.opts.warden.waitForEscalation(s.escalationId, this.gw.opts.escalationTimeoutMs).catch((err) => {
        throw unavailable(err);
      });
      if (e.status !== "approved") {
        this.refused = new GatewayError(DENIED, `Warden did not approve the session's intent (${e.status})`, { sessionId: s.id, reasons: s.reasons, escalationId: s.escalationId, status: e.status });
        throw this.refused;
      }
    } else if (s.status !== "active") {
      this.refused = new GatewayError(DENIED, `Warden refused the session: ${(s.reasons ?? []).map((r) => r.message).join("; ") || s.status}`, { sessionId: s.id, reasons: s.reasons ?? [], status: s.status });
      throw this.refused;
    }
    this.sessionId = s.id;
    this.log(`session ${s.id} opened`);
    if (this.ended) await this.end("client disconnected");
    return s.id;
  }

  /** authorize; on escalate, hold the call until a person answers, then ask again. */
  private async decide(sessionId: string, action: Action, signal: AbortSignal): Promise<Decision> {
    const warden = this.gw.opts.warden;
    try {
      const d = await warden.authorize(sessionId, action, signal);
      if (d.decision !== "escalate" || !d.escalationId || this.gw.opts.escalationTimeoutMs <= 0) return d;
      this.log(`escalated ${action.connector}:${action.tool}.${action.operation}: waiting for a person (escalation ${d.escalationId})`);
      const e = await warden.waitForEscalation(d.escalationId, this.gw.opts.escalationTimeoutMs, signal);
      if (e.status === "approved") return await warden.authorize(sessionId, action, signal);
      const why =
        e.status === "pending"
          ? { code: "gateway.escalation_timeout", message: `No one answered the escalation within ${Math.round(this.gw.opts.escalationTimeoutMs / 1000)} s` }
          : { code: `escalation.${e.status}`, message: `The escalation was ${e.status}` };
      return { ...d, reasons: [...d.reasons, why] };
    } catch (e) {
      if (signal.aborted) throw e;
      throw unavailable(e);
    }
  }

  /** Ends the Warden session (revoking its credentials); safe to call more than once. */
  async end(reason: string) {
    if (this.ended && !this.sessionId) return;
    this.ended = true;
    const id = this.sessionId;
    if (!id) return; // an open in flight ends it when it lands
    this.sessionId = null;
    try {
      await this.gw.opts.warden.endSession(id, reason);
      this.log(`session ${id} ended (${reason})`);
    } catch (e) {
      this.log(`session ${id} could not be ended: ${(e as Error).message}`);
    }
  }
}

/**
 * Why a call was not forwarded when Warden gave no decision: unavailable or unreachable (503,
 * refused, timed out) is a deny, -32001 with the deny in `data`, as the SDK treats it; an answer
 * that made no sense (a 500, not JSON) is -32603. Either way nothing is forwarded.
 */
function unavailable(e: unknown): GatewayError {
  if (e instanceof GatewayError) return e;
  if (e instanceof WardenUnavailable && e.decision) {
    const { decision, reasons, decisionId, retryAfterSeconds } = e.decision;
    return new GatewayError(DENIED, `${e.message}; the call was not forwarded`, { decision, reasons, decisionId, retryAfterSeconds });
  }
  const message = e instanceof WardenUnavailable ? e.message : `Warden check failed: ${(e as Error)?.message ?? String(e)}`;
  return new GatewayError(INTERNAL, `${message}; the call was not forwarded`);
}
