import type { Db } from "@/lib/db/client";
import { validatePolicyText, type SourceProblem } from "@/lib/policy/cedar/engine";
import { schemaFor } from "./policy-set";

export type TextCheck = { ok: boolean; errors: SourceProblem[]; warnings: SourceProblem[] };

/**
 * For the editor: syntax and schema problems of one policy text against its namespace's schema,
 * with 1-based line and column. Checks the text alone (saving also checks that the namespace's
 * whole set still compiles with it) and writes nothing. An unknown namespace is a 400.
 */
export async function checkPolicyText(db: Db, namespace: string, cedar: string): Promise<TextCheck> {
  if (!cedar.trim()) return { ok: false, errors: [{ message: "write at least one Cedar statement", line: 1, column: 1 }], warnings: [] };
  const checked = validatePolicyText(cedar, await schemaFor(db, namespace));
  return { ok: checked.ok, errors: checked.ok ? [] : checked.errors, warnings: checked.warnings };
}
