// How long people have to answer, and how long an approval lasts. Read per call so tests and
// operators can change them without a code change.
function seconds(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${name} must be a number of seconds between ${min} and ${max} (got "${raw}")`);
  }
  return Math.floor(n);
}

/** Unanswered escalations expire (and count as denied) after this long. Default 15 minutes. */
export const escalationTtlMs = () => seconds("WARDEN_ESCALATION_TTL_SECONDS", 900, 5, 7 * 86400) * 1000;

/** A "this call once" approval must be used within this long. Default 15 minutes. */
export const onceGrantTtlMs = () => seconds("WARDEN_GRANT_TTL_SECONDS", 900, 5, 86400) * 1000;
