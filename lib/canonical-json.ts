// Pure and dependency-free: the audit chain hashes events with it and lib/policy digests tool
// arguments with it, so both sides of the layering may import it.

// Text with nothing to escape (no quote, backslash, control character or surrogate) reads the
// same quoted as JSON.stringify writes it, about twice as fast: every decision's audit event and
// every event the offline verifier re-hashes quotes a dozen such strings.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string, byte for byte. */
export const jsonString = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/** JSON with object keys sorted at every depth, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (typeof value === "string") return jsonString(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = "";
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${out ? "," : ""}${jsonString(k)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}
