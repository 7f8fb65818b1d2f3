import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import type { Db, Tx } from "@/lib/db/client";
import { authzSchemaVersions, type AuthzSchemaVersion } from "@/lib/db/schema";
import { getActiveSchema, getSchemaVersion } from "@/lib/db/queries/authz-schema";
import type { GeneralSchemaJson } from "@/lib/policy/cedar/schema-source";
import { summarizeDiff } from "@/lib/domain/policies/line-diff";
import { auditMeta, type Caller } from "../context";
import { lockPolicies } from "../policies/policy-set";
import { requireSchemaFits } from "./checks";

/**
 * Puts saved version N of the general schema in force, under the policy lock: schema and general
 * policies change in step, so no policy write can validate against the schema being replaced.
 */
export async function activateSchemaVersion(db: Db, caller: Caller, versionNumber: number, reason: string) {
  return db.transaction(async (tx) => {
    await lockPolicies(tx);
    const row = await getSchemaVersion(tx, versionNumber);
    if (!row) throw notFound("Schema version");
    if (row.active) throw new DomainError("conflict", `Version ${versionNumber} is already active`);
    return applyActivation(tx, caller, row, await getActiveSchema(tx), reason);
  });
}

/**
 * The activation itself, inside the caller's transaction (which holds the policy lock): refused
 * with a 400 when a policy would break or a removed namespace still holds policies; otherwise
 * the flag moves and the audit event is written in the same transaction. The warnings name
 * policies the new schema leaves valid but changed (e.g. a forbid that can no longer match).
 */
export async function applyActivation(tx: Tx, caller: Caller, row: AuthzSchemaVersion, previous: AuthzSchemaVersion | undefined, reason: string) {
  const warnings = await requireSchemaFits(tx, row.json as GeneralSchemaJson, row.namespaces);
  // Off first: authz_schema_versions_active_key allows one active row at any moment.
  if (previous) await tx.update(authzSchemaVersions).set({ active: false }).where(eq(authzSchemaVersions.id, previous.id));
  const [updated] = await tx.update(authzSchemaVersions).set({ active: true }).where(eq(authzSchemaVersions.id, row.id)).returning();
  const before = new Set(previous?.namespaces ?? []);
  const after = new Set(row.namespaces);
  await recordAudit(tx, {
    ...auditMeta(caller),
    action: "authz_schema.activated",
    target: { kind: "authz_schema", id: row.id },
    detail: {
      version: row.version,
      from: previous?.version ?? null,
      reason,
      namespaces: {
        added: row.namespaces.filter((n) => !before.has(n)),
        removed: [...before].filter((n) => !after.has(n)),
        kept: row.namespaces.filter((n) => before.has(n)),
      },
      diff: summarizeDiff(previous?.cedar ?? "", row.cedar),
      ...(warnings.length ? { warnings } : {}),
    },
  });
  return { version: updated, warnings };
}
