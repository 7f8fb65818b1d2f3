// warden-gateway command line. See README "Putting the gateway in front of an MCP server".
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { gatewayIntentSchema } from "./intent";
import type { Intent } from "../sdk";
import { connectUpstream, Gateway, type UpstreamSpec } from "./gateway";
import { mappingFileSchema, type MappingFile } from "./mapping";
import { WardenClient } from "./warden-client";

const HELP = `warden-gateway: an MCP proxy that asks Warden before every tool call.

Usage:
  warden-gateway [options] -- <command> [args...]     upstream MCP server spawned over stdio
  warden-gateway [options] --upstream-url <url>        upstream MCP server over Streamable HTTP

Warden:
  --warden-url <url>           Warden base URL (env WARDEN_URL)
  --agent-key <key>            agent bootstrap key wdn_ak_… (env WARDEN_AGENT_KEY)
  --token-file <path>          workload token (JWT-SVID / OIDC), re-read on every request (env WARDEN_TOKEN_FILE);
                               or the token itself in env WARDEN_TOKEN
  --timeout <ms>               per-request timeout for Warden (default 10000)
  --escalation-timeout <s>     how long a call waits for a person on an escalation (default 300; 0: refuse at once)

Intent (what the session declares):
  --intent <file.json>         { goal, actions, resources?, maxSensitivity, destinations?, ttlSeconds }
  --goal <text> --action <connector:tool.operation> (repeatable) --max-sensitivity <level>
  --resource <pattern> (repeatable) --destination <pattern> (repeatable) --ttl <seconds>
                               flags override the file's fields

Mapping (tool call -> Warden action):
  --mapping <file.json>        { "servers": { "<name>": { connector?, defaults?, tools?: { "<tool>": {
                               connector?, tool?, operation?, resourceArg?, sensitivity?, destination?,
                               destinationArg? } } } } }
  --name <name>                upstream server name (default: the name the server reports)
  --resource-arg <arg>         argument used as the resource for every tool unless mapped (e.g. path)
  Defaults: connector = server name, tool = tool name, operation = "call".

Upstream / downstream:
  --upstream-url <url>         Streamable HTTP upstream; --upstream-header "Name: value" (repeatable)
  --listen <port>              serve MCP over Streamable HTTP at http://<host>:<port>/mcp (default: stdio)
  --host <host>                address for --listen (default 127.0.0.1)
`;

function fail(message: string): never {
  process.stderr.write(`warden-gateway: ${message}\n`);
  process.exit(2);
}

function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path, "utf8"));
  } catch (e) {
    fail(`cannot read the ${what} file ${path}: ${(e as Error).message}`);
  }
}

function positiveInt(v: string | undefined, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(`${what} must be a whole number`);
  return n;
}

async function main() {
  const { values: o, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      "warden-url": { type: "string" },
      "agent-key": { type: "string" },
      "token-file": { type: "string" },
      timeout: { type: "string" },
      "escalation-timeout": { type: "string" },
      intent: { type: "string" },
      goal: { type: "string" },
      action: { type: "string", multiple: true },
      "max-sensitivity": { type: "string" },
      resource: { type: "string", multiple: true },
      destination: { type: "string", multiple: true },
      ttl: { type: "string" },
      mapping: { type: "string" },
      name: { type: "string" },
      "resource-arg": { type: "string" },
      "upstream-url": { type: "string" },
      "upstream-header": { type: "string", multiple: true },
      listen: { type: "string" },
      host: { type: "string" },
    },
  });
  if (o.help) {
    process.stdout.write(HELP);
    return;
  }

  const wardenUrl = o["warden-url"] ?? process.env.WARDEN_URL;
  if (!wardenUrl) fail("set the Warden URL (--warden-url or WARDEN_URL)");
  const tokenFile = o["token-file"] ?? process.env.WARDEN_TOKEN_FILE;
  const staticToken = o["agent-key"] ?? process.env.WARDEN_AGENT_KEY ?? process.env.WARDEN_TOKEN;
  if (!staticToken && !tokenFile) fail("set the agent's credential (--agent-key / WARDEN_AGENT_KEY, --token-file / WARDEN_TOKEN_FILE, or WARDEN_TOKEN)");
  const token = staticToken ?? (() => fs.readFileSync(tokenFile!, "utf8").trim());

  const fromFile = (o.intent ? readJsonFile(o.intent, "intent") : {}) as Partial<Intent>;
  const parsedIntent = gatewayIntentSchema.safeParse({
    ...fromFile,
    ...(o.goal ? { goal: o.goal } : {}),
    ...(o.action ? { actions: o.action } : {}),
    ...(o["max-sensitivity"] ? { maxSensitivity: o["max-sensitivity"] } : {}),
    ...(o.resource ? { resources: o.resource } : {}),
    ...(o.destination ? { destinations: o.destination } : {}),
    ttlSeconds: o.ttl ? Number(o.ttl) : (fromFile.ttlSeconds ?? 3600),
  });
  if (!parsedIntent.success) fail(`the intent is not valid: ${parsedIntent.error.issues.map((i) => `${i.path.join(".") || "intent"}: ${i.message}`).join("; ")}`);

  let mapping: MappingFile = { servers: {} };
  if (o.mapping) {
    const m = mappingFileSchema.safeParse(readJsonFile(o.mapping, "mapping"));
    if (!m.success) fail(`the mapping file is not valid: ${m.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    mapping = m.data;
  }

  let upstream: UpstreamSpec;
  if (o["upstream-url"]) {
    if (positionals.length) fail("give either --upstream-url or a command after --, not both");
    const headers: Record<string, string> = {};
    for (const h of o["upstream-header"] ?? []) {
      const i = h.indexOf(":");
      if (i <= 0) fail(`--upstream-header "${h}" is not "Name: value"`);
      headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    upstream = { kind: "http", url: o["upstream-url"], headers };
  } else if (positionals.length) {
    upstream = { kind: "stdio", command: positionals[0], args: positionals.slice(1) };
  } else fail("name the upstream MCP server: a command after --, or --upstream-url <url>\n\n" + HELP);

  const warden = new WardenClient({ baseUrl: wardenUrl, token, timeoutMs: positiveInt(o.timeout, 10_000, "--timeout") || 10_000 });
  const client = await connectUpstream(upstream).catch((e) => fail(`cannot connect to the upstream MCP server: ${(e as Error).message}`));
  const gw = new Gateway(client, {
    warden,
    intent: parsedIntent.data,
    mapping,
    serverName: o.name,
    defaults: o["resource-arg"] ? { resourceArg: o["resource-arg"] } : {},
    escalationTimeoutMs: positiveInt(o["escalation-timeout"], 300, "--escalation-timeout") * 1000,
  });
  const log = (l: string) => process.stderr.write(`warden-gateway: ${l}\n`);

  let stopping = false;
  const stop = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    client.onclose = undefined;
    await gw.close(reason);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop("gateway shut down"));
  process.on("SIGTERM", () => void stop("gateway shut down"));
  client.onclose = () => {
    log("the upstream MCP server went away");
    void stop("upstream MCP server went away", 1);
  };

  if (o.listen === undefined) {
    const s = gw.createSession();
    await s.server.connect(new StdioServerTransport());
    // The SDK's stdio transport does not notice the client closing stdin; the session ends then.
    process.stdin.on("end", () => void stop("client disconnected"));
    process.stdin.on("close", () => void stop("client disconnected"));
    log(`serving ${gw.serverName} over stdio`);
    return;
  }

  const transports = new Map<string, StreamableHTTPServerTransport>();
  const httpServer = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== "/mcp") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "MCP is served at /mcp" }));
        return;
      }
      const sid = req.headers["mcp-session-id"];
      const existing = typeof sid === "string" ? transports.get(sid) : undefined;
      if (existing) return await existing.handleRequest(req, res);
      if (sid) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null }));
        return;
      }
      // No session yet: this must be an initialize request; the transport refuses anything else.
      const session = gw.createSession();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void transports.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) transports.delete(transport.sessionId);
      };
      await session.server.connect(transport);
      await transport.handleRequest(req, res);
      if (!transport.sessionId) await session.server.close();
    } catch (e) {
      log(`request failed: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal error" }, id: null }));
    }
  });
  const host = o.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => httpServer.listen(positiveInt(o.listen, 0, "--listen"), host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  log(`serving ${gw.serverName} at http://${host}:${port}/mcp`);
}

main().catch((e) => fail((e as Error).stack ?? String(e)));
