// What every schema change shares: the text must parse (problems at line and column), and the
// schema put in force must keep every general policy valid and drop no namespace in use. Run under
// lockPolicies, so no policy write can pass its own check against the schema being replaced.
import { ne, sql } from "drizzle-orm";
import { DomainError, type FieldError } from "@/lib/errors";
import type { Tx } from "@/lib/db/client";
import { policies } from "@/lib/db/schema";
import { compilePolicies } from "@/lib/policy/cedar/engine";
import { WARDEN_NAMESPACE } from "@/lib/policy/cedar/schema";
import { namespaceSchema, parseGeneralSchema, schemaProblemText, type GeneralSchemaJson } from "@/lib/policy/cedar/schema-source";
import { loadActiveSet, problemText, toInput } from "../policies/policy-set";

// Enough to act on; the rest are usually the same mistake repeated.
const MAX_FIELDS = 20;

/** The parsed document, or a 400 `validation_failed` whose fields (path "cedar") give line and column. */
export function requireSchemaText(text: string) {
  const parsed = parseGeneralSchema(text);
  if (parsed.ok) return { json: parsed.json, namespaces: parsed.namespaces, warnings: parsed.warnings.map(schemaProblemText) };
  const fields: FieldError[] = parsed.errors.slice(0, MAX_FIELDS).map((e) => ({ path: "cedar", message: schemaProblemText(e) }));
  throw new DomainError("validation_failed", `cedar: ${fields[0].message}`, fields);
}

/**
 * The schema `json` may replace the active one only if (1) no general namespace that holds
 * policies (enabled or not) is missing from it, and (2) every policy's active version in each of
 * its namespaces still validates and the namespace's set compiles, disabled ones checked as if
 * enabled (enabling must not become impossible). Otherwise a 400 naming each offender. Returns
 * the validator's warnings: a removed attribute behind a `has` guard is no error, but it can make
 * a forbid impossible, and whoever activates should hear that.
 */
export async function requireSchemaFits(tx: Tx, json: GeneralSchemaJson, namespaces: readonly string[]): Promise<string[]> {
  const inUse = await tx
    .select({ namespace: policies.namespace, n: sql<number>`count(*)::int`, names: sql<string[]>`array_agg(${policies.name} order by ${policies.name})` })
    .from(policies)
    .where(ne(policies.namespace, WARDEN_NAMESPACE))
    .groupBy(policies.namespace)
    .orderBy(policies.namespace);
  const fields: FieldError[] = [];
  const warnings: string[] = [];
  for (const ns of inUse) {
    if (namespaces.includes(ns.namespace)) continue;
    const shown = ns.names.slice(0, 5).map((n) => `"${n}"`).join(", ");
    fields.push({
      path: "cedar",
      message: `namespace ${ns.namespace} is still used by ${ns.n} polic${ns.n === 1 ? "y" : "ies"} (${shown}${ns.n > 5 ? ", …" : ""}); keep it in the schema`,
    });
  }
  for (const ns of inUse.filter((u) => namespaces.includes(u.namespace))) {
    const records = await loadActiveSet(tx, ns.namespace);
    const compiled = compilePolicies(records.map((r) => toInput({ ...r, enabled: true })), namespaceSchema(json, ns.namespace));
    for (const w of compiled.warnings) if (w.policyId) warnings.push(`namespace ${ns.namespace}, policy "${w.policyId}" ${problemText(w)}`);
    if (compiled.ok) continue;
    for (const e of compiled.errors) fields.push({ path: "policies", message: `namespace ${ns.namespace}, policy "${e.policyId}" ${problemText(e)}` });
  }
  if (fields.length === 0) return warnings.slice(0, MAX_FIELDS);
  throw new DomainError("validation_failed", `The schema would break policies in force: ${fields[0].message}`, fields.slice(0, MAX_FIELDS));
}
