import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { conflict, invalid, mapDbError } from "@/lib/errors";
import type { Db, Executor } from "@/lib/db/client";
import { publicConnectorColumns, type PublicConnector } from "@/lib/db/queries/connectors";
import { getUserById } from "@/lib/db/queries/users";
import { connectors, connectorTools } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import type { ConnectorCreate } from "@/lib/domain/connectors/schemas";

export const CONNECTOR_UNIQUE = { connectors_name_key: "name", connector_tools_name_key: "tools" };
export const duplicateName = () => conflict("A connector with this name already exists", "name");

export async function assertOwner(db: Executor, ownerId: string | null | undefined) {
  if (ownerId && !(await getUserById(db, ownerId))) throw invalid("ownerId", "no such person");
}

/** Config values may hold secrets (admin URLs): audit events name the keys, never the values. */
export const configKeys = (config: Record<string, unknown> | undefined) => Object.keys(config ?? {}).sort();

/**
 * Registers a connector (managed), optionally with its tools. The rows and the audit event
 * commit together or not at all. A name already seen as a shadow connector is a conflict:
 * adopt that one instead (PATCH with managed: true).
 */
export async function createConnector(db: Db, caller: Caller, input: ConnectorCreate): Promise<PublicConnector> {
  await assertOwner(db, input.ownerId);
  try {
    return await db.transaction(async (tx) => {
      const [taken] = await tx.select({ id: connectors.id, managed: connectors.managed }).from(connectors).where(eq(connectors.name, input.name));
      if (taken) {
        throw taken.managed
          ? duplicateName()
          : conflict("An unmanaged connector with this name was already seen in tool calls: adopt it instead", "name");
      }
      const [c] = await tx
        .insert(connectors)
        .values({
          name: input.name,
          displayName: input.displayName,
          kind: input.kind,
          managed: true,
          sensitivity: input.sensitivity,
          environment: input.environment,
          ownerId: input.ownerId ?? null,
          ownerTeam: input.ownerTeam ?? null,
          description: input.description,
          endpoint: input.endpoint ?? null,
          config: input.config ?? {},
        })
        .returning(publicConnectorColumns);
      const tools = input.tools ?? [];
      if (tools.length) {
        await tx.insert(connectorTools).values(
          tools.map((t) => ({
            connectorId: c.id,
            name: t.name,
            description: t.description,
            operations: t.operations,
            sensitivity: t.sensitivity ?? null,
          })),
        );
      }
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "connector.created",
        target: { kind: "connector", id: c.id },
        detail: {
          name: c.name,
          kind: c.kind,
          sensitivity: c.sensitivity,
          environment: c.environment,
          ownerId: c.ownerId,
          ownerTeam: c.ownerTeam,
          tools: tools.map((t) => ({ name: t.name, operations: t.operations })),
          configKeys: configKeys(input.config),
        },
      });
      return c;
    });
  } catch (err) {
    // The pre-check loses a race with a concurrent insert; the unique index still holds.
    mapDbError(err, CONNECTOR_UNIQUE);
  }
}
