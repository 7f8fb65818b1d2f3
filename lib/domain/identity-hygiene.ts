// How long an agent may go without a session, and a key without rotation, before Warden raises
// an identity-hygiene finding (README, "Identity hygiene"). Read once at start; a value that is
// not a whole number of days stops the start with a message naming the variable, so a typo never
// silently switches a detector off or makes it flag the whole fleet.

export type IdentityHygieneOptions = {
  /** An agent with no session for this many days, still holding live credentials, is dormant. */
  dormantDays: number;
  /** A bootstrap key older than this, and the agent's only way in, is stale. */
  keyMaxAgeDays: number;
};

export const DEFAULT_IDENTITY_HYGIENE: IdentityHygieneOptions = { dormantDays: 30, keyMaxAgeDays: 90 };

export const IDENTITY_HYGIENE_VARIABLES: Record<keyof IdentityHygieneOptions, string> = {
  dormantDays: "WARDEN_DORMANT_DAYS",
  keyMaxAgeDays: "WARDEN_KEY_MAX_AGE_DAYS",
};

// Ten years: beyond it the setting can only be a slip (milliseconds, a year typed as days).
const MAX_DAYS = 3650;

export function identityHygieneFromEnv(env: Record<string, string | undefined> = process.env): IdentityHygieneOptions {
  const o = { ...DEFAULT_IDENTITY_HYGIENE };
  for (const key of Object.keys(IDENTITY_HYGIENE_VARIABLES) as (keyof IdentityHygieneOptions)[]) {
    const name = IDENTITY_HYGIENE_VARIABLES[key];
    const raw = env[name]?.trim();
    if (!raw) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_DAYS) throw new Error(`${name} must be a whole number of days from 1 to ${MAX_DAYS} (got "${raw}")`);
    o[key] = n;
  }
  return o;
}
