import { createHash } from "node:crypto";
import type { Envelope } from "@/lib/db/schema/agents";
import type { ActionShape, DiffEntry, Reason } from "@/lib/db/schema/decisions";
import type { Intent } from "@/lib/db/schema/sessions";
import { destinationMatchesAny, globMatchAny, uncoveredDestinations, uncoveredGlobs } from "./globs";
import { matchesAction, uncoveredPatterns } from "./patterns";
import { SENSITIVITIES } from "./sensitivity";

// Intent checks (design.md "The decision path", step 3) and the containment rules behind them:
// action ⊆ intent, intent ⊆ envelope, child intent ⊆ parent intent, intent v(n+1) vs v(n).
// Pure and total: odd strings never throw; anything that cannot be shown to be inside is outside.

export type CheckResult = { inside: boolean; reasons: Reason[]; diff: DiffEntry[] };
export type CheckOptions = {
  /** The connector's or tool's sensitivity, used when the action names none (else `internal`). */
  defaultSensitivity?: string;
};

const str = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : String(v));
/** "" and absent mean the same: no resource / no destination. */
const opt = (v: unknown): string | undefined => (v == null || v === "" ? undefined : str(v));
const list = (v: readonly string[]) => v.map((x) => `"${x}"`).join(", ");

// Unknown levels fail closed: an unknown actual level is above `restricted`, an unknown allowed
// level allows nothing.
const actualRank = (s: string) => {
  const r = SENSITIVITIES.indexOf(s as (typeof SENSITIVITIES)[number]);
  return r < 0 ? SENSITIVITIES.length : r;
};
const allowedRank = (s: string) => SENSITIVITIES.indexOf(s as (typeof SENSITIVITIES)[number]);
const sensitivityExceeds = (actual: string, allowed: string) => actualRank(actual) > allowedRank(allowed);
// NaN, Infinity or a missing number on either side counts as exceeding.
const ttlExceeds = (actual: number, allowed: number) => !(Number.isFinite(actual) && Number.isFinite(allowed) && actual <= allowed);

export const actionName = (a: Pick<ActionShape, "connector" | "tool" | "operation">) => `${str(a.connector)}:${str(a.tool)}.${str(a.operation)}`;

/** The sensitivity the decision is about: declared by the caller, else the connector's default. */
export function effectiveSensitivity(action: Pick<ActionShape, "sensitivity">, opts: CheckOptions = {}): string {
  return opt(action.sensitivity) ?? opt(opts.defaultSensitivity) ?? "internal";
}

// ---- action inside intent -------------------------------------------------------------------------

/** Which intent dimensions a single tool call exceeds; each one is a reason and a diff entry. */
export function checkAction(intent: Intent, action: ActionShape, opts: CheckOptions = {}): CheckResult {
  const a = { connector: str(action.connector), tool: str(action.tool), operation: str(action.operation) };
  const name = actionName(a);
  const resource = opt(action.resource);
  const destination = opt(action.destination);
  const sensitivity = effectiveSensitivity(action, opts);
  const declaredActions = intent.actions ?? [];
  const reasons: Reason[] = [];
  const diff: DiffEntry[] = [];
  const add = (code: string, message: string, field: string, declared: unknown, actual: unknown) => {
    reasons.push({ code, message });
    diff.push({ field, declared, actual });
  };

  if (!declaredActions.some((p) => matchesAction(p, a))) {
    add("intent.operation_not_declared", `${name} is not among the actions the session declared`, "action", declaredActions, name);
  }
  // A call that names no resource cannot be shown to be inside a resource-limited intent.
  if (intent.resources && !(resource !== undefined && globMatchAny(intent.resources, resource))) {
    const message = resource === undefined ? `The call names no resource; the intent limits resources to ${list(intent.resources)}` : `${resource} is outside the declared resources`;
    add("intent.resource_not_declared", message, "resource", intent.resources, resource ?? null);
  }
  if (sensitivityExceeds(sensitivity, str(intent.maxSensitivity))) {
    add("intent.sensitivity_exceeded", `The data is ${sensitivity}; the intent allows up to ${str(intent.maxSensitivity)}`, "sensitivity", intent.maxSensitivity, sensitivity);
  }
  // No declared destinations means data may go nowhere.
  if (destination !== undefined && !destinationMatchesAny(intent.destinations, destination)) {
    add("intent.destination_not_allowed", `${destination} is not a declared destination`, "destination", intent.destinations ?? [], destination);
  }
  return { inside: reasons.length === 0, reasons, diff };
}

// ---- intent inside an outer scope (envelope, parent intent) ----------------------------------------

type Scope = { actions: string[]; resources?: string[]; maxSensitivity: string; destinations?: string[]; ttlSeconds: number };

/**
 * Every dimension of `inner` must fit `outer`. Absent `resources` = not limited; absent
 * `destinations` = none. Diff entries carry the outer value as `declared` and only the exceeding
 * part of the inner value as `actual` (`null` = "not limited").
 */
function checkScope(inner: Scope, outer: Scope, prefix: string, outerName: string, ttlLabel: string): CheckResult {
  const reasons: Reason[] = [];
  const diff: DiffEntry[] = [];
  const add = (dim: string, message: string, field: string, declared: unknown, actual: unknown) => {
    reasons.push({ code: `${prefix}.${dim}_exceeded`, message });
    diff.push({ field, declared, actual });
  };

  const actions = uncoveredPatterns(outer.actions ?? [], inner.actions ?? []);
  if (actions.length) add("action", `${list(actions)} ${actions.length === 1 ? "is" : "are"} not covered by the ${outerName}'s actions`, "actions", outer.actions ?? [], actions);

  if (outer.resources) {
    if (!inner.resources) {
      add("resource", `The intent does not limit resources; the ${outerName} allows only ${list(outer.resources)}`, "resources", outer.resources, null);
    } else {
      const resources = uncoveredGlobs(outer.resources, inner.resources);
      if (resources.length) add("resource", `${list(resources)} ${resources.length === 1 ? "is" : "are"} outside the ${outerName}'s resources`, "resources", outer.resources, resources);
    }
  }

  if (sensitivityExceeds(str(inner.maxSensitivity), str(outer.maxSensitivity))) {
    add("sensitivity", `The intent reaches ${str(inner.maxSensitivity)} data; the ${outerName} allows up to ${str(outer.maxSensitivity)}`, "maxSensitivity", outer.maxSensitivity, inner.maxSensitivity);
  }

  const destinations = uncoveredDestinations(outer.destinations, inner.destinations ?? []);
  if (destinations.length) add("destination", `${list(destinations)} ${destinations.length === 1 ? "is" : "are"} not among the ${outerName}'s destinations`, "destinations", outer.destinations ?? [], destinations);

  if (ttlExceeds(inner.ttlSeconds, outer.ttlSeconds)) {
    add("ttl", `The intent asks for ${inner.ttlSeconds} s; ${ttlLabel} is ${outer.ttlSeconds} s`, "ttlSeconds", outer.ttlSeconds, inner.ttlSeconds);
  }
  return { inside: reasons.length === 0, reasons, diff };
}

/** A declared intent must fit the agent's baseline envelope (codes `envelope.*_exceeded`). */
export function checkIntentWithinEnvelope(intent: Intent, envelope: Envelope): CheckResult {
  return checkScope(intent, { ...envelope, ttlSeconds: envelope.maxTtlSeconds }, "envelope", "agent's envelope", "the envelope's limit");
}

export type DelegationOptions = {
  /** With both set, the child may not outlive the parent: its TTL is held to the parent's remaining time. */
  now?: Date | number;
  parentExpiresAt?: Date | number;
};

/** A child session's intent must stay inside its parent's (codes `delegation.*_exceeded`). */
export function checkDelegation(child: Intent, parent: Intent, opts: DelegationOptions = {}): CheckResult {
  let limit = parent.ttlSeconds;
  let label = "the parent intent's TTL";
  if (opts.now !== undefined && opts.parentExpiresAt !== undefined) {
    limit = Math.floor((Number(opts.parentExpiresAt) - Number(opts.now)) / 1000);
    label = "the parent session's remaining time";
  }
  return checkScope(child, { ...parent, ttlSeconds: limit }, "delegation", "parent session", label);
}

// ---- intent versions ----------------------------------------------------------------------------------

export type IntentChange = { field: string; before: unknown; after: unknown };
export type IntentComparison = { kind: "same" | "narrowing" | "widening"; widened: DiffEntry[]; changes: IntentChange[] };

const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined) => {
  if (!a || !b) return a === b;
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/**
 * Intent v(n) → v(n+1). Any dimension that grows is a widening (needs a person); a change where
 * nothing grows is a narrowing; a new goal alone changes nothing that authorization looks at.
 */
export function compareIntents(before: Intent, after: Intent): IntentComparison {
  const changes: IntentChange[] = [];
  if (before.goal !== after.goal) changes.push({ field: "goal", before: before.goal, after: after.goal });
  if (!sameSet(before.actions, after.actions)) changes.push({ field: "actions", before: before.actions, after: after.actions });
  if (!sameSet(before.resources, after.resources)) changes.push({ field: "resources", before: before.resources ?? null, after: after.resources ?? null });
  if (before.maxSensitivity !== after.maxSensitivity) changes.push({ field: "maxSensitivity", before: before.maxSensitivity, after: after.maxSensitivity });
  // Absent and empty destinations both mean "none".
  if (!sameSet(before.destinations ?? [], after.destinations ?? [])) changes.push({ field: "destinations", before: before.destinations ?? [], after: after.destinations ?? [] });
  if (!Object.is(before.ttlSeconds, after.ttlSeconds)) changes.push({ field: "ttlSeconds", before: before.ttlSeconds, after: after.ttlSeconds });

  // Widening = v(n+1) is not inside v(n), judged by the same containment rules as delegation;
  // a field that did not change is never a widening (even if its value is malformed).
  const changed = new Set(changes.map((c) => c.field));
  const widened = checkScope(after, before, "intent", "previous intent", "the previous TTL").diff.filter((d) => changed.has(d.field));
  const authChanges = changes.filter((c) => c.field !== "goal");
  return { kind: widened.length ? "widening" : authChanges.length ? "narrowing" : "same", widened, changes };
}

// ---- the exact action an approval is bound to ------------------------------------------------------

export type CanonicalAction = { connector: string; destination?: string; operation: string; resource?: string; sensitivity: string; tool: string };

/**
 * The fields that identify an action, with the effective sensitivity filled in and the arguments
 * left out. Keys are in sorted order, so JSON.stringify of it is the canonical JSON
 * (the same bytes as lib/audit/chain canonicalJson).
 */
export function canonicalAction(action: ActionShape, opts: CheckOptions = {}): CanonicalAction {
  const resource = opt(action.resource);
  const destination = opt(action.destination);
  return {
    connector: str(action.connector),
    ...(destination !== undefined ? { destination } : {}),
    operation: str(action.operation),
    ...(resource !== undefined ? { resource } : {}),
    sensitivity: effectiveSensitivity(action, opts),
    tool: str(action.tool),
  };
}

/** SHA-256 hex of the canonical action: a grant matches only this exact call. */
export function actionHash(action: ActionShape, opts: CheckOptions = {}): string {
  return createHash("sha256").update(JSON.stringify(canonicalAction(action, opts))).digest("hex");
}
