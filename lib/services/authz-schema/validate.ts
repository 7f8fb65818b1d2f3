import type { Db } from "@/lib/db/client";
import { isDomainError } from "@/lib/errors";
import type { SourceProblem } from "@/lib/policy/cedar/engine";
import { parseGeneralSchema } from "@/lib/policy/cedar/schema-source";
import { requireSchemaFits } from "./checks";

export type SchemaCheck = {
  ok: boolean;
  /** Problems in the text, at line and column. */
  errors: SourceProblem[];
  warnings: SourceProblem[];
  namespaces: string[];
  /** Why activating it would be refused now (policies that would break, namespaces in use). */
  blocking: string[];
  /** What activating it would change without being refused (e.g. a forbid that could no longer match). */
  notes: string[];
};

/**
 * For the schema editor: the text's problems with positions, and what activation would say about
 * the policies in force. Writes nothing and takes no lock: the answer is advice, and the save
 * itself checks again under the lock.
 */
export async function checkSchemaText(db: Db, cedar: string): Promise<SchemaCheck> {
  const parsed = parseGeneralSchema(cedar);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings: parsed.warnings, namespaces: [], blocking: [], notes: [] };
  try {
    const notes = await db.transaction((tx) => requireSchemaFits(tx, parsed.json, parsed.namespaces));
    return { ok: true, errors: [], warnings: parsed.warnings, namespaces: parsed.namespaces, blocking: [], notes };
  } catch (err) {
    if (!isDomainError(err) || err.code !== "validation_failed") throw err;
    const blocking = (err.fields ?? []).map((f) => f.message);
    return { ok: false, errors: [], warnings: parsed.warnings, namespaces: parsed.namespaces, blocking, notes: [] };
  }
}
