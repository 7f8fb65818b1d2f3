import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { publicConnectorColumns, type PublicConnector } from "@/lib/db/queries/connectors";
import { connectors } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { assertOwner, configKeys } from "./create";
import type { ConnectorUpdate } from "@/lib/domain/connectors/schemas";

/**
 * Edits a connector's registration; the audit event records exactly which fields changed.
 * `managed: true` on a shadow connector adopts it (audited as connector.adopted, with the
 * other changes made in the same request, e.g. the new owner).
 */
export async function updateConnector(db: Db, caller: Caller, id: string, patch: ConnectorUpdate): Promise<PublicConnector> {
  await assertOwner(db, patch.ownerId);
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(connectors).where(eq(connectors.id, id)).for("update");
    if (!before) throw notFound("Connector");
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const [k, v] of Object.entries(patch) as [keyof ConnectorUpdate, unknown][]) {
      if (v === undefined || k === "config") continue;
      const old = before[k as keyof typeof before];
      if (JSON.stringify(old) !== JSON.stringify(v)) changes[k] = { before: old, after: v };
    }
    // Config values can be secrets: record that it changed and which keys, never the values.
    if (patch.config !== undefined && JSON.stringify(before.config) !== JSON.stringify(patch.config)) {
      changes.config = { before: { keys: configKeys(before.config) }, after: { keys: configKeys(patch.config) } };
    }
    const { config: _omit, ...publicBefore } = before;
    if (Object.keys(changes).length === 0) return publicBefore;
    const adopted = patch.managed === true && !before.managed;
    const [c] = await tx
      .update(connectors)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(connectors.id, id))
      .returning(publicConnectorColumns);
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: adopted ? "connector.adopted" : "connector.updated",
      target: { kind: "connector", id },
      detail: { name: c.name, changes },
    });
    return c;
  });
}
