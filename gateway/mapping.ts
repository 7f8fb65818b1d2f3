// How an upstream MCP tool call becomes a Warden action (design.md "Machine API").
//
// Mapping file (JSON), keyed by upstream server name ("*" applies to any server):
//   { "servers": { "filesystem": {
//       "connector": "files",                         // default: the server name
//       "defaults": { "operation": "call", "resourceArg": "path" },
//       "tools": {
//         "read_text_file": { "operation": "read", "resourceArg": "path", "sensitivity": "internal" },
//         "write_file":     { "operation": "write", "destination": "internal:fs" } } } } }
// Per tool: connector, tool, operation, resourceArg, sensitivity, destination, destinationArg.
// Defaults when nothing is mapped: connector = server name, tool = tool name, operation = "call".
// Names are lower-cased and characters Warden does not accept in names become "_".
import { z } from "zod";
import type { Action, Sensitivity } from "../sdk";

const SENSITIVITY = z.enum(["public", "internal", "confidential", "restricted"]);

const toolMappingSchema = z
  .object({
    connector: z.string().min(1).optional(),
    tool: z.string().min(1).optional(),
    operation: z.string().min(1).optional(),
    resourceArg: z.string().min(1).optional(),
    sensitivity: SENSITIVITY.optional(),
    destination: z.string().min(1).optional(),
    destinationArg: z.string().min(1).optional(),
  })
  .strict();

const serverMappingSchema = z
  .object({
    connector: z.string().min(1).optional(),
    defaults: toolMappingSchema.optional(),
    tools: z.record(z.string(), toolMappingSchema).optional(),
  })
  .strict();

export const mappingFileSchema = z.object({ servers: z.record(z.string(), serverMappingSchema).default({}) }).strict();

export type ToolMapping = z.infer<typeof toolMappingSchema>;
export type MappingFile = z.infer<typeof mappingFileSchema>;

/** A name Warden accepts: lower-case letters, digits, '-', '_' or '/', starting with a letter or digit. */
export function wardenName(raw: string): string {
  const s = raw.toLowerCase().replace(/[^a-z0-9_\-/]/g, "_").replace(/^[^a-z0-9]+/, "");
  return (s || "unnamed").slice(0, 120);
}

/** The mapping that applies to one tool: the tool's own entry over the server defaults. */
export function toolMapping(mapping: MappingFile, serverName: string, toolName: string, globalDefaults: ToolMapping = {}): ToolMapping {
  const server = mapping.servers[serverName] ?? mapping.servers["*"] ?? {};
  return {
    ...globalDefaults,
    ...(server.connector ? { connector: server.connector } : {}),
    ...server.defaults,
    ...server.tools?.[toolName],
  };
}

/** The Warden action for a concrete call, without resource/arguments. */
export function baseAction(mapping: MappingFile, serverName: string, toolName: string, globalDefaults: ToolMapping = {}) {
  const m = toolMapping(mapping, serverName, toolName, globalDefaults);
  return {
    connector: wardenName(m.connector ?? serverName),
    tool: wardenName(m.tool ?? toolName),
    operation: wardenName(m.operation ?? "call"),
    mapping: m,
  };
}

/**
 * The actions to authorize for one call. A resource argument holding a list (e.g. `paths`) gives
 * one action per element, and every one of them must be allowed.
 */
export function actionsFor(mapping: MappingFile, serverName: string, toolName: string, args: Record<string, unknown> | undefined, globalDefaults: ToolMapping = {}): Action[] {
  const { connector, tool, operation, mapping: m } = baseAction(mapping, serverName, toolName, globalDefaults);
  const base: Action = { connector, tool, operation };
  if (m.sensitivity) base.sensitivity = m.sensitivity as Sensitivity;
  const dest = m.destinationArg ? args?.[m.destinationArg] : undefined;
  if (typeof dest === "string" && dest) base.destination = dest;
  else if (m.destination) base.destination = m.destination;
  base.arguments = compactArguments(args ?? {});
  const raw = m.resourceArg ? args?.[m.resourceArg] : undefined;
  const resources = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.filter((r): r is string => typeof r === "string") : [];
  if (resources.length === 0) return [base];
  return resources.map((resource) => ({ ...base, resource }));
}

const MAX_ARGS_JSON = 48 * 1024;

/**
 * Warden takes at most 64 KiB per decision body. Arguments larger than that (a big file being
 * written) are sent with their long strings replaced by a marker that gives the length.
 */
export function compactArguments(args: unknown): unknown {
  const json = JSON.stringify(args) ?? "";
  if (json.length <= MAX_ARGS_JSON) return args;
  const shrink = (v: unknown): unknown => {
    if (typeof v === "string") return v.length > 512 ? `${v.slice(0, 256)}… [${v.length} characters, shortened by warden-gateway]` : v;
    if (Array.isArray(v)) return v.slice(0, 100).map(shrink);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).slice(0, 100).map(([k, x]) => [k, shrink(x)]));
    return v;
  };
  const out = shrink(args);
  return JSON.stringify(out).length <= MAX_ARGS_JSON ? out : { note: "arguments too large to send; shortened by warden-gateway" };
}
