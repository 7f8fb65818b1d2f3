// What a finding may say about fixing it. Detectors that know the fix (identity hygiene:
// retire, rotate, assign an owner) put these in the finding's detail as `fix`; the findings list
// shows them as links, and a script reads the API calls that do the same.

export const FIX_ACTIONS = ["assign_owner", "retire", "revoke_credentials", "rotate_key"] as const;
export type FixAction = (typeof FIX_ACTIONS)[number];

export type FindingFix = {
  action: FixAction;
  /** What the link says in the console. */
  label: string;
  /** The console page where the fix is one step (a path inside Warden). */
  href: string;
  /** The management API calls that make the same fix, in order ("METHOD /api/v1/…"). */
  api: string[];
};

/**
 * The fixes in a finding's detail, or none. The detail is JSON from the database, so anything
 * that is not one of ours is dropped, and only paths inside Warden become links.
 */
export function findingFixes(fix: unknown): FindingFix[] {
  if (!Array.isArray(fix)) return [];
  return fix.filter(
    (f): f is FindingFix =>
      !!f &&
      typeof f === "object" &&
      (FIX_ACTIONS as readonly string[]).includes(f.action) &&
      typeof f.label === "string" &&
      typeof f.href === "string" &&
      /^\/(?!\/)/.test(f.href) &&
      Array.isArray(f.api) &&
      f.api.every((a: unknown) => typeof a === "string"),
  );
}
