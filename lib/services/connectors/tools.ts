import { and, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { conflict, mapDbError, notFound } from "@/lib/errors";
import type { Db, Tx } from "@/lib/db/client";
import { connectors, connectorTools } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import type { ToolCreate, ToolUpdate } from "@/lib/domain/connectors/schemas";

const TOOL_UNIQUE = { connector_tools_name_key: "name" };

// Tool changes lock the connector row, so concurrent edits of one connector's tools apply in
// order, and bump its updatedAt so lists show the connector changed.
async function lockConnector(tx: Tx, connectorId: string) {
  const [c] = await tx
    .select({ id: connectors.id, name: connectors.name })
    .from(connectors)
    .where(eq(connectors.id, connectorId))
    .for("update");
  if (!c) throw notFound("Connector");
  await tx.update(connectors).set({ updatedAt: new Date() }).where(eq(connectors.id, connectorId));
  return c;
}

async function lockTool(tx: Tx, connectorId: string, toolId: string) {
  const [t] = await tx
    .select()
    .from(connectorTools)
    .where(and(eq(connectorTools.id, toolId), eq(connectorTools.connectorId, connectorId)))
    .for("update");
  if (!t) throw notFound("Tool");
  return t;
}

/** Adds a tool with its operations to a connector. */
export async function addTool(db: Db, caller: Caller, connectorId: string, input: ToolCreate) {
  try {
    return await db.transaction(async (tx) => {
      const c = await lockConnector(tx, connectorId);
      const [taken] = await tx
        .select({ id: connectorTools.id })
        .from(connectorTools)
        .where(and(eq(connectorTools.connectorId, connectorId), eq(connectorTools.name, input.name)));
      if (taken) throw conflict(`Connector ${c.name} already has a tool named ${input.name}`, "name");
      const [tool] = await tx
        .insert(connectorTools)
        .values({
          connectorId,
          name: input.name,
          description: input.description,
          operations: input.operations,
          sensitivity: input.sensitivity ?? null,
        })
        .returning();
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "connector.tool_added",
        target: { kind: "connector", id: connectorId },
        detail: { connector: c.name, toolId: tool.id, tool: tool.name, operations: tool.operations, sensitivity: tool.sensitivity },
      });
      return tool;
    });
  } catch (err) {
    mapDbError(err, TOOL_UNIQUE);
  }
}

/** Changes a tool's description, operations or sensitivity; the audit event names what changed. */
export async function updateTool(db: Db, caller: Caller, connectorId: string, toolId: string, patch: ToolUpdate) {
  return db.transaction(async (tx) => {
    const c = await lockConnector(tx, connectorId);
    const before = await lockTool(tx, connectorId, toolId);
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const [k, v] of Object.entries(patch) as [keyof ToolUpdate, unknown][]) {
      if (v === undefined) continue;
      const old = before[k];
      if (JSON.stringify(old) !== JSON.stringify(v)) changes[k] = { before: old, after: v };
    }
    if (Object.keys(changes).length === 0) return before;
    const [tool] = await tx
      .update(connectorTools)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(connectorTools.id, toolId))
      .returning();
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "connector.tool_updated",
      target: { kind: "connector", id: connectorId },
      detail: { connector: c.name, toolId, tool: tool.name, changes },
    });
    return tool;
  });
}

/** Removes a tool; the audit event keeps its last operations and the reason. */
export async function removeTool(db: Db, caller: Caller, connectorId: string, toolId: string, reason: string) {
  return db.transaction(async (tx) => {
    const c = await lockConnector(tx, connectorId);
    const tool = await lockTool(tx, connectorId, toolId);
    await tx.delete(connectorTools).where(eq(connectorTools.id, toolId));
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "connector.tool_removed",
      target: { kind: "connector", id: connectorId },
      detail: { connector: c.name, toolId, tool: tool.name, operations: tool.operations, reason },
    });
    return { id: toolId, removed: true as const };
  });
}
