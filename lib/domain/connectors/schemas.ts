import { z } from "zod";
import { listQuery } from "@/lib/domain/list-query";
import type { connectorKindEnum, sensitivityEnum } from "@/lib/db/schema/enums";
import type { ToolOperation } from "@/lib/db/schema/connectors";
import { NAME_RE, reasonSchema } from "@/lib/domain/agents/schemas";
import { CONNECTOR_KINDS, SENSITIVITY_LEVELS, TOOL_ACCESS } from "@/lib/domain/connectors/constants";

// Compile-time guard: the option lists must stay equal to the database enums.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _kinds: Same<(typeof CONNECTOR_KINDS)[number], (typeof connectorKindEnum.enumValues)[number]> = true;
const _sens: Same<(typeof SENSITIVITY_LEVELS)[number], (typeof sensitivityEnum.enumValues)[number]> = true;
const _access: Same<(typeof TOOL_ACCESS)[number], ToolOperation["access"]> = true;
void [_kinds, _sens, _access];

// The name is the `connector` part of `connector:tool.operation` patterns: the agent-name slug,
// minus '.', which the pattern grammar (lib/policy/patterns.ts) reserves as the tool separator.
const connectorName = z
  .string()
  .trim()
  .regex(NAME_RE, "use 2-63 lower-case letters, digits, '-' or '_', starting with a letter or digit")
  .refine((v) => !v.includes("."), "'.' is not allowed: it separates tool and operation in action patterns");

// Same grammar as the tool and operation parts of an action pattern, without wildcards.
const toolName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_\-/]{0,99}$/, "use lower-case letters, digits, '-', '_' or '/', starting with a letter or digit");
const operationName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "use lower-case letters, digits, '-' or '_', starting with a letter or digit");

export const operationSchema = z.object({ name: operationName, access: z.enum(TOOL_ACCESS) });

const operations = z
  .array(operationSchema)
  .min(1, "declare at least one operation")
  .max(100)
  .superRefine((ops, ctx) => {
    const seen = new Set<string>();
    ops.forEach((op, i) => {
      if (seen.has(op.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `operation "${op.name}" is listed twice` });
      seen.add(op.name);
    });
  });

const blankToNull = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();

export const toolCreateSchema = z.object({
  name: toolName,
  description: z.string().trim().max(1000).default(""),
  operations,
  // null = inherit the connector's sensitivity
  sensitivity: z.enum(SENSITIVITY_LEVELS).nullable().optional(),
});

// A tool's name is part of every action pattern that mentions it, so it cannot be renamed:
// remove it and add the new one, so both changes are explicit in the audit trail.
export const toolUpdateSchema = z.object({
  description: z.string().trim().max(1000).optional(),
  operations: operations.optional(),
  sensitivity: z.enum(SENSITIVITY_LEVELS).nullable().optional(),
});

export const toolRemoveSchema = reasonSchema;

// Backend settings for JIT credentials (e.g. a database admin URL). Write-only: no read returns
// it and audit events record only which keys changed.
const config = z.record(z.string().max(100), z.unknown());

export const connectorCreateSchema = z.object({
  name: connectorName,
  displayName: z.string().trim().min(1, "required").max(200),
  kind: z.enum(CONNECTOR_KINDS),
  sensitivity: z.enum(SENSITIVITY_LEVELS),
  environment: z.string().trim().min(1, "required").max(50).default("production"),
  ownerId: z.uuid().nullable().optional(),
  ownerTeam: blankToNull(100),
  description: z.string().trim().max(2000).default(""),
  endpoint: blankToNull(500),
  config: config.optional(),
  tools: z
    .array(toolCreateSchema)
    .max(200)
    .superRefine((tools, ctx) => {
      const seen = new Set<string>();
      tools.forEach((t, i) => {
        if (seen.has(t.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `tool "${t.name}" is listed twice` });
        seen.add(t.name);
      });
    })
    .optional(),
});

// The name is not editable for the same reason as a tool's. `managed: true` on a shadow
// (unmanaged) connector adopts it; nothing turns a registered connector back into a shadow one.
export const connectorUpdateSchema = z.object({
  displayName: z.string().trim().min(1, "required").max(200).optional(),
  kind: z.enum(CONNECTOR_KINDS).optional(),
  sensitivity: z.enum(SENSITIVITY_LEVELS).optional(),
  environment: z.string().trim().min(1, "required").max(50).optional(),
  ownerId: z.uuid().nullable().optional(),
  ownerTeam: blankToNull(100),
  description: z.string().trim().max(2000).optional(),
  endpoint: blankToNull(500),
  config: config.optional(),
  managed: z.literal(true, { error: "a registered connector cannot be turned back into an unmanaged one" }).optional(),
});

export const connectorListSchema = listQuery.extend({
  kind: z.enum(CONNECTOR_KINDS).optional(),
  managed: z.enum(["true", "false"]).optional(),
  sensitivity: z.enum(SENSITIVITY_LEVELS).optional(),
  environment: z.string().trim().max(50).optional(),
  sort: z.enum(["name", "kind", "sensitivity", "lastSeenAt", "createdAt"]).default("name"),
});

export type ConnectorCreate = z.infer<typeof connectorCreateSchema>;
export type ConnectorUpdate = z.infer<typeof connectorUpdateSchema>;
export type ConnectorListQuery = z.infer<typeof connectorListSchema>;
export type ToolCreate = z.infer<typeof toolCreateSchema>;
export type ToolUpdate = z.infer<typeof toolUpdateSchema>;
