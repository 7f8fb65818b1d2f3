import { desc } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, mapDbError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { authzSchemaVersions } from "@/lib/db/schema";
import { getActiveSchema } from "@/lib/db/queries/authz-schema";
import type { SchemaVersionCreate } from "@/lib/domain/authz-schema/schemas";
import { summarizeDiff } from "@/lib/domain/policies/line-diff";
import { auditMeta, type Caller } from "../context";
import { lockPolicies } from "../policies/policy-set";
import { applyActivation } from "./activate";
import { requireSchemaText } from "./checks";

/**
 * Saves a new version of the general schema: it must parse (errors at line and column) and hold
 * only named, self-contained namespaces other than `Warden`. With `activate` it is put in force in
 * the same transaction; if that is refused, nothing is written, the version included.
 */
export async function addSchemaVersion(db: Db, caller: Caller, input: SchemaVersionCreate) {
  // Parsing needs no database: bad text is refused before a transaction is opened.
  const parsed = requireSchemaText(input.cedar);
  try {
    return await db.transaction(async (tx) => {
      await lockPolicies(tx);
      const [latest] = await tx.select().from(authzSchemaVersions).orderBy(desc(authzSchemaVersions.version)).limit(1);
      if (latest && latest.cedar === input.cedar) {
        throw new DomainError("conflict", `Nothing changed: this is the text of version ${latest.version}`, [{ path: "cedar", message: `identical to version ${latest.version}` }]);
      }
      const active = await getActiveSchema(tx);
      const number = (latest?.version ?? 0) + 1;
      const [row] = await tx
        .insert(authzSchemaVersions)
        .values({ version: number, cedar: input.cedar, json: parsed.json, namespaces: parsed.namespaces, comment: input.comment, createdBy: caller.actor.id ?? null })
        .returning();
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "authz_schema.version_added",
        target: { kind: "authz_schema", id: row.id },
        detail: {
          version: number,
          comment: row.comment,
          namespaces: row.namespaces,
          // Against the version in force: what activating this one would change.
          diff: { against: active?.version ?? null, ...summarizeDiff(active?.cedar ?? "", row.cedar) },
        },
      });
      if (!input.activate) return { version: row, warnings: parsed.warnings };
      const activated = await applyActivation(tx, caller, row, active, input.reason ?? "");
      return { version: activated.version, warnings: [...parsed.warnings, ...activated.warnings] };
    });
  } catch (err) {
    // Two admins saving at once: the second gets a conflict, not a 500 (the lock makes this rare).
    mapDbError(err, { authz_schema_versions_version_key: "version" });
  }
}
