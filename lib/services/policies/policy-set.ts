// What every policy change shares: one writer at a time, the active set as the engine will load
// it, the "does the whole set still compile" check, and the updated_at bump every app instance
// watches (active-engine.ts re-reads the set when max(updated_at) or the row count changes).
import { and, eq, sql } from "drizzle-orm";
import type { Schema } from "@cedar-policy/cedar-wasm/nodejs";
import { DomainError, invalid, type FieldError } from "@/lib/errors";
import type { Executor, Tx } from "@/lib/db/client";
import { policies, policyVersions } from "@/lib/db/schema";
import { getActiveSchema } from "@/lib/db/queries/authz-schema";
import { compilePolicies, validatePolicyText, type PolicyInput, type SourceProblem } from "@/lib/policy/cedar/engine";
import { WARDEN_NAMESPACE, WARDEN_SCHEMA } from "@/lib/policy/cedar/schema";
import { namespaceSchema, type GeneralSchemaJson } from "@/lib/policy/cedar/schema-source";
import { summarizeEffects } from "@/lib/domain/policies/effects";

// Serialises policy changes across instances: two admins activating at once must not each pass
// the compile check against a set the other is about to change.
const POLICY_LOCK = 0x504f_4c59; // "POLY"

export type ActiveRecord = { policyId: string; name: string; enabled: boolean; version: number; cedar: string; onForbid: "deny" | "escalate" };

export async function lockPolicies(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${POLICY_LOCK})`);
}

/**
 * The schema a namespace's policies are validated against: the agent schema for `Warden`, else
 * that namespace's part of the active general schema. A namespace the active schema does not
 * declare is a 400: its policies could not be validated, so they may not be written.
 */
export async function schemaFor(tx: Executor, namespace: string): Promise<Schema> {
  if (namespace === WARDEN_NAMESPACE) return WARDEN_SCHEMA;
  const active = await getActiveSchema(tx);
  if (!active?.namespaces.includes(namespace)) {
    throw invalid("namespace", `the active authorization schema has no namespace "${namespace}"; add it on the schema page first`);
  }
  return namespaceSchema(active.json as GeneralSchemaJson, namespace);
}

/**
 * Every policy of one namespace with its active version, enabled or not. For `Warden` these are
 * the rows active-engine.ts loads; a namespace's set compiles (and is decided) on its own.
 */
export async function loadActiveSet(tx: Tx, namespace: string): Promise<ActiveRecord[]> {
  const found = await tx
    .select({
      policyId: policies.id,
      name: policies.name,
      enabled: policies.enabled,
      version: policyVersions.version,
      cedar: policyVersions.cedar,
      onForbid: policyVersions.onForbid,
    })
    .from(policies)
    .innerJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), eq(policyVersions.version, policies.activeVersion)))
    .where(eq(policies.namespace, namespace));
  return found.map((r) => ({ ...r, onForbid: r.onForbid === "escalate" ? "escalate" : "deny" }));
}

export function toInput(r: Pick<ActiveRecord, "name" | "cedar" | "onForbid" | "enabled">): PolicyInput {
  return { id: r.name, text: r.cedar, onForbid: r.onForbid, enabled: r.enabled };
}

/** "line 3, column 7: unexpected token `;`" — the form the editor and the API's fields use. */
export function problemText(p: SourceProblem): string {
  return `line ${p.line}, column ${p.column}: ${p.message}${p.help ? ` (${p.help})` : ""}`;
}

/**
 * The text on its own, against its namespace's schema (schemaFor): syntax and schema errors
 * become a 400 `validation_failed` whose fields name each problem's line and column (path
 * "cedar"). Returns the warnings otherwise.
 */
export function requireValidText(text: string, schema: Schema): string[] {
  const checked = validatePolicyText(text, schema);
  if (!checked.ok) {
    const fields: FieldError[] = checked.errors.map((e) => ({ path: "cedar", message: problemText(e) }));
    throw new DomainError("validation_failed", `cedar: ${fields[0].message}`, fields);
  }
  return checked.warnings.map(problemText);
}

/**
 * The set as it would be in force, `focus` included: it must compile, or the change is refused
 * (active-engine.ts would otherwise keep serving the previous set on every instance).
 */
export function requireSetCompiles(records: PolicyInput[], focus: string, schema: Schema): void {
  const compiled = compilePolicies(records, schema);
  if (compiled.ok) return;
  const fields: FieldError[] = compiled.errors.map((e) =>
    e.policyId === focus
      ? { path: "cedar", message: problemText(e) }
      : { path: "policies", message: `policy "${e.policyId}" ${problemText(e)}` },
  );
  throw new DomainError("validation_failed", `The policy set would not compile: ${fields[0].message}`, fields);
}

/**
 * A value for policies.updated_at that is later than every row's, even when this instance's clock
 * lags another's: the change marker must move or other instances would keep the old set.
 */
export const bumpedUpdatedAt = () =>
  sql`greatest(clock_timestamp(), (select max(p.updated_at) from ${policies} p) + interval '1 millisecond')`;

/** Warnings when the set left enabled permits little or nothing: every call would be denied. */
export function permitWarnings(records: ActiveRecord[], disabledName: string, namespace: string = WARDEN_NAMESPACE): string[] {
  const permitting = records.filter((r) => r.enabled && r.name !== disabledName && summarizeEffects(r.cedar, r.onForbid).permit > 0);
  if (permitting.length === 0) {
    return namespace === WARDEN_NAMESPACE
      ? ["No enabled policy permits anything any more: every tool call of every agent will be denied until a permit policy is enabled."]
      : [`No enabled policy of namespace ${namespace} permits anything any more: every request in it will be denied until a permit policy is enabled.`];
  }
  if (disabledName === "baseline-permit") {
    return [
      `baseline-permit is disabled: only what ${permitting.map((r) => `"${r.name}"`).join(", ")} permit${permitting.length === 1 ? "s" : ""} is allowed; every other tool call is denied.`,
    ];
  }
  return [];
}
