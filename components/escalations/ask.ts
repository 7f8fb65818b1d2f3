// Pure wording for what an escalation asks, shared by the queue, the detail page and their tests.
// No React and no server imports: both client components and unit tests read it.

export type Kind = "action" | "intent_change" | "session_open";
export type Scope = "once" | "session" | "amend_intent";
export type IntentLike = {
  goal?: string;
  actions?: string[];
  resources?: string[];
  maxSensitivity?: string;
  destinations?: string[];
  ttlSeconds?: number;
};
export type DiffLike = { field: string; declared: unknown; actual: unknown };

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});
const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/** `connector:tool.operation`, the name policies and intents use for a tool call. */
export function actionName(action: unknown): string {
  const a = rec(action);
  return `${String(a.connector ?? "?")}:${String(a.tool ?? "?")}.${String(a.operation ?? "?")}`;
}

/** A session_open's intent, whether stored as `{ intent }` or handed out unwrapped by the list API. */
export function intentOfAsk(kind: Kind, action: unknown): IntentLike | null {
  const a = rec(action);
  if (kind === "session_open") return rec(a.intent ?? a) as IntentLike;
  if (kind === "intent_change") return rec(a.to) as IntentLike;
  return null;
}

/** A value as one short line: lists joined, nothing as "—" (or `empty` when nothing has a meaning). */
export function formatValue(v: unknown, empty = "—"): string {
  if (v === null || v === undefined || v === "") return empty;
  if (Array.isArray(v)) return v.length ? v.map((x) => formatValue(x)).join(", ") : empty;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export type AskSummary = { title: string; details: { label: string; value: string }[] };

/**
 * One line for the queue and the page title: the call as `connector:tool.operation` with what it
 * touches, or "Intent change v3" / "Session open" with the session's goal.
 */
export function describeAsk(kind: Kind, action: unknown, goal?: string | null): AskSummary {
  const a = rec(action);
  if (kind === "action") {
    const details: AskSummary["details"] = [];
    for (const key of ["resource", "sensitivity", "destination"] as const) {
      const v = text(a[key]);
      if (v) details.push({ label: key, value: v });
    }
    // A credential request carries the scope it wants instead of a resource.
    const scope = rec(a.scope);
    if (Array.isArray(scope.operations)) details.push({ label: "operations", value: formatValue(scope.operations) });
    if (Array.isArray(scope.resources)) details.push({ label: "resources", value: formatValue(scope.resources) });
    return { title: actionName(a), details };
  }
  const intent = intentOfAsk(kind, a);
  const g = text(goal) ?? text(intent?.goal);
  const details = g ? [{ label: "goal", value: g }] : [];
  if (kind === "intent_change") return { title: typeof a.version === "number" ? `Intent change v${a.version}` : "Intent change", details };
  return { title: "Session open", details };
}

/** "declared → actual" per field, compact enough for a table cell. */
export function diffLines(diff: DiffLike[] | null | undefined): { field: string; declared: string; actual: string }[] {
  return (diff ?? []).map((d) => ({ field: d.field, declared: formatValue(d.declared, "none"), actual: formatValue(d.actual, "not limited") }));
}

/** "1 of 2". */
export function approvalsLabel(approvals: number, required: number): string {
  return `${approvals} of ${required}`;
}

/** Reason codes without repeats, in the order the policy gave them. */
export function reasonCodes(reasons: { code: string }[] | null | undefined): string[] {
  return [...new Set((reasons ?? []).map((r) => r.code))];
}

export const SCOPE_OPTIONS: Record<Scope, { label: string; hint: string }> = {
  once: { label: "This call once", hint: "Allows this exact call one time; the next one asks again." },
  session: { label: "This action for the session", hint: "Allows this exact action for the rest of the session." },
  amend_intent: { label: "Amend the intent", hint: "Adds this action to the session's declared intent." },
};

export type ComparisonRow = { field: string; label: string; declared: string; requested: string; differs: boolean };

// The diff names intent fields in two spellings: an action's check (action, resource, …) and an
// intent comparison (actions, resources, maxSensitivity, …). Each row answers to both.
const ROWS: { label: string; intentKey: keyof IntentLike; actionKey?: string; fields: string[]; empty: string }[] = [
  { label: "Action", intentKey: "actions", actionKey: "action", fields: ["action", "actions"], empty: "none" },
  { label: "Resource", intentKey: "resources", actionKey: "resource", fields: ["resource", "resources"], empty: "any" },
  { label: "Sensitivity", intentKey: "maxSensitivity", actionKey: "sensitivity", fields: ["sensitivity", "maxSensitivity"], empty: "—" },
  { label: "Destination", intentKey: "destinations", actionKey: "destination", fields: ["destination", "destinations"], empty: "none" },
  { label: "Time to live (s)", intentKey: "ttlSeconds", fields: ["ttlSeconds"], empty: "—" },
];

/**
 * The declared intent beside what is asked, one row per dimension, marking the dimensions the
 * policy found outside. For an action the right side is the call; for an intent change, the new
 * intent against the current one; for a session opening, its intent against the limits it broke
 * (the envelope or the parent session, known only through the diff).
 */
export function compareAsk(kind: Kind, action: unknown, declared: IntentLike | null | undefined, diff: DiffLike[] | null | undefined): ComparisonRow[] {
  const byField = new Map((diff ?? []).map((d) => [d.field, d] as const));
  const a = rec(action);
  const before = rec(kind === "intent_change" ? a.from : declared) as IntentLike;
  const after = kind === "action" ? null : (intentOfAsk(kind, a) ?? {});
  return ROWS.filter((r) => r.actionKey || kind !== "action").map((r) => {
    const hit = r.fields.map((f) => byField.get(f)).find(Boolean);
    const requested = after
      ? formatValue(after[r.intentKey], r.empty)
      : r.actionKey === "action"
        ? actionName(a)
        : formatValue(a[r.actionKey!], r.actionKey === "sensitivity" ? "not stated" : "none");
    const limit = kind === "session_open" ? (hit ? formatValue(hit.declared, "none") : "within the limit") : formatValue(before[r.intentKey], r.empty);
    return { field: r.fields[0], label: r.label, declared: limit, requested, differs: hit !== undefined };
  });
}
