// Parsing and validating policy text with positions a person can act on. Cedar reports UTF-8
// byte offsets; the editor wants 1-based line and column (column in UTF-16 code units, as
// JavaScript strings and browser editors count them).
import { policySetTextToParts, validate, type DetailedError, type Schema } from "@cedar-policy/cedar-wasm/nodejs";

export type SourceProblem = { message: string; line: number; column: number; help?: string };
export type PolicyProblem = SourceProblem & { policyId: string };

const ASCII = /^[\x00-\x7f]*$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function byteLength(text: string): number {
  return ASCII.test(text) ? text.length : encoder.encode(text).length;
}

/** 1-based line and column of a UTF-8 byte offset into `text`. */
export function positionOf(text: string, byteOffset: number): { line: number; column: number } {
  const bytes = Math.max(0, byteOffset);
  const index = ASCII.test(text) ? Math.min(bytes, text.length) : decoder.decode(encoder.encode(text).subarray(0, bytes)).length;
  return positionAt(text, index);
}

/** 1-based line and column of a UTF-16 index into `text` (JavaScript string positions). */
export function positionAt(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

// Cedar's messages name its internal policy ids ("for policy `policy3`, ..."); those mean nothing
// to the author, who sees the problem at its line instead.
function cleanMessage(message: string): string {
  return message.replace(/^failed to parse policies from string: /, "").replace(/^for policy `[^`]*`, /, "");
}

function problem(e: DetailedError, text: string, localByte: number | undefined): SourceProblem {
  const pos = localByte === undefined ? { line: 1, column: 1 } : positionOf(text, localByte);
  return { message: cleanMessage(e.message), ...pos, ...(e.help ? { help: e.help } : {}) };
}

export type CheckedPolicies = {
  /** The Cedar statements of each record that parsed, as source text (templates excluded). */
  statements: Map<string, string[]>;
  errors: PolicyProblem[];
  warnings: PolicyProblem[];
};

/**
 * Parse every record (one record = one or more Cedar statements) and validate them all against
 * the schema in one batch: Cedar's validator costs a few milliseconds per call, so a thousand
 * separate calls would make a policy change take seconds.
 */
export function checkPolicies(records: readonly { id: string; text: string }[], schema: Schema): CheckedPolicies {
  const statements = new Map<string, string[]>();
  const errors: PolicyProblem[] = [];
  const warnings: PolicyProblem[] = [];
  const parsed: { id: string; text: string; count: number }[] = [];

  for (const r of records) {
    const parts = policySetTextToParts(r.text);
    if (parts.type === "failure") {
      for (const e of parts.errors) errors.push({ policyId: r.id, ...problem(e, r.text, e.sourceLocations?.[0]?.start) });
      continue;
    }
    if (parts.policy_templates.length > 0) {
      const at = r.text.indexOf(parts.policy_templates[0]);
      const pos = at < 0 ? { line: 1, column: 1 } : positionOf(r.text, byteLength(r.text.slice(0, at)));
      errors.push({ policyId: r.id, message: "templates (?principal / ?resource slots) are not supported; name the entity instead", ...pos });
      continue;
    }
    if (parts.policies.length === 0) {
      errors.push({ policyId: r.id, message: "no Cedar policy statement found", line: 1, column: 1 });
      continue;
    }
    statements.set(r.id, parts.policies);
    parsed.push({ id: r.id, text: r.text, count: parts.policies.length });
  }
  if (parsed.length === 0) return { statements, errors, warnings };

  // One policy set made of all records, one per line block; Cedar numbers statements policy0..n
  // in text order, so both a byte offset and a policy id lead back to the record.
  const byteStarts: number[] = [];
  const firstStatement: number[] = [];
  let bytes = 0;
  let count = 0;
  for (const p of parsed) {
    byteStarts.push(bytes);
    firstStatement.push(count);
    bytes += byteLength(p.text) + 1;
    count += p.count;
  }
  const answer = validate({ schema, policies: { staticPolicies: parsed.map((p) => p.text).join("\n") } });
  if (answer.type === "failure") {
    // Every record parsed on its own, so a failure here is the schema's.
    throw new Error(`Cedar validation failed: ${answer.errors.map((e) => e.message).join("; ")}`);
  }
  const locate = (policyId: string, e: DetailedError): PolicyProblem => {
    const start = e.sourceLocations?.[0]?.start;
    let r: number;
    if (start !== undefined) r = lastAtOrBefore(byteStarts, start);
    else r = lastAtOrBefore(firstStatement, Number(/^policy(\d+)$/.exec(policyId)?.[1] ?? 0));
    const rec = parsed[r];
    return { policyId: rec.id, ...problem(e, rec.text, start === undefined ? undefined : start - byteStarts[r]) };
  };
  pushUnique(errors, answer.validationErrors.map((v) => locate(v.policyId, v.error)));
  pushUnique(warnings, answer.validationWarnings.map((v) => locate(v.policyId, v.error)));
  for (const w of answer.otherWarnings) warnings.push({ policyId: "", ...problem(w, "", undefined) });
  return { statements, errors, warnings };
}

function lastAtOrBefore(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// The validator repeats one mistake once per action the policy may apply to; report it once.
function pushUnique(into: PolicyProblem[], items: PolicyProblem[]): void {
  const keyOf = (p: PolicyProblem) => `${p.policyId}:${p.line}:${p.column}:${p.message.replace(/\S*Action::"[^"]*"/g, "")}`;
  const seen = new Set(into.map(keyOf));
  for (const p of items) {
    const key = keyOf(p);
    if (seen.has(key)) continue;
    seen.add(key);
    into.push(p);
  }
}

export type PolicyTextCheck =
  | { ok: true; warnings: SourceProblem[] }
  | { ok: false; errors: SourceProblem[]; warnings: SourceProblem[] };

/** For the Policies editor: syntax and schema errors of one policy text, with positions. */
export function validatePolicyText(text: string, schema: Schema): PolicyTextCheck {
  const checked = checkPolicies([{ id: "policy", text }], schema);
  const strip = ({ policyId: _id, ...p }: PolicyProblem): SourceProblem => p;
  const warnings = checked.warnings.map(strip);
  return checked.errors.length ? { ok: false, errors: checked.errors.map(strip), warnings } : { ok: true, warnings };
}
