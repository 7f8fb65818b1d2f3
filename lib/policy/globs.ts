// Resource and destination globs (`repo:acme/*`, `s3://bucket/prefix/*`, `email:*@acme.example`).
// `*` matches any run of characters, newlines included; every other character is literal.
// Matching walks the pattern with a backtracking-free two-pointer loop (O(n·m) worst case), never
// a RegExp, so a hostile pattern such as `*a*a*a*a*b` cannot blow up the hot path.

const STAR = "*";
const MAX_LEN = 4096; // longer than any real resource; beyond it we answer "no match" (fail closed)

/** Runs of `*` mean the same as one `*`; collapsing them keeps comparisons exact. */
export function normalizeGlob(pattern: string): string {
  return String(pattern).replace(/\*{2,}/g, STAR);
}

// Wildcard match where `inner` may itself contain "stars" (positions only an outer `*` can absorb).
// With innerStars = false every character of `inner` is literal.
function wildcard(outer: string, inner: string, innerStars: boolean): boolean {
  if (outer.length > MAX_LEN || inner.length > MAX_LEN) return false;
  let o = 0;
  let i = 0;
  let starO = -1; // position of the last outer `*` seen
  let starI = 0; // where in `inner` that `*` started absorbing
  while (i < inner.length) {
    const ic = inner[i];
    const innerIsStar = innerStars && ic === STAR;
    if (o < outer.length && outer[o] === STAR) {
      starO = o++;
      starI = i;
    } else if (o < outer.length && !innerIsStar && outer[o] === ic) {
      o++;
      i++;
    } else if (starO >= 0) {
      // Let the last outer `*` absorb one more character (or inner star) and retry after it.
      o = starO + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (o < outer.length && outer[o] === STAR) o++;
  return o === outer.length;
}

/** Does the glob match the concrete string? */
export function globMatch(pattern: string, value: string): boolean {
  if (typeof pattern !== "string" || typeof value !== "string") return false;
  return wildcard(pattern, value, false);
}

export function globMatchAny(patterns: readonly string[] | undefined, value: string): boolean {
  return (patterns ?? []).some((p) => globMatch(p, value));
}

/**
 * Is every string `inner` matches also matched by `outer`? Exact: treat each `*` of `inner` as a
 * symbol only an outer `*` can absorb. If that fails, replacing each inner `*` by a character that
 * never occurs in `outer` gives a concrete string `inner` matches and `outer` does not.
 */
export function globCovers(outer: string, inner: string): boolean {
  if (typeof outer !== "string" || typeof inner !== "string") return false;
  return wildcard(normalizeGlob(outer), normalizeGlob(inner), true);
}

/** Inner globs that no outer glob covers. */
export function uncoveredGlobs(outer: readonly string[] | undefined, inner: readonly string[]): string[] {
  return inner.filter((i) => !(outer ?? []).some((o) => globCovers(o, i)));
}

// ---- destinations -------------------------------------------------------------------------------
// Anything that is not `internal:...` counts as external for policy purposes, including odd or
// mis-cased strings: the unknown is treated as leaving the organisation.

const INTERNAL = "internal:";
/** Declared destination meaning "any external destination" (email, slack, a paste site, ...). */
export const ANY_EXTERNAL = "external:*";

export function isExternalDestination(dest: string): boolean {
  return typeof dest !== "string" || !dest.startsWith(INTERNAL);
}

export function destinationMatches(pattern: string, dest: string): boolean {
  if (typeof pattern !== "string" || typeof dest !== "string") return false;
  if (normalizeGlob(pattern) === ANY_EXTERNAL) return isExternalDestination(dest);
  return globMatch(pattern, dest);
}

export function destinationMatchesAny(patterns: readonly string[] | undefined, dest: string): boolean {
  return (patterns ?? []).some((p) => destinationMatches(p, dest));
}

/** Could the glob match some `internal:...` string? */
function canMatchInternal(glob: string): boolean {
  const star = glob.indexOf(STAR);
  if (star < 0) return glob.startsWith(INTERNAL);
  const lead = glob.slice(0, star);
  return INTERNAL.startsWith(lead) || lead.startsWith(INTERNAL);
}

/** Is every destination `inner` allows also allowed by `outer` (with `external:*` as above)? */
export function destinationCovers(outer: string, inner: string): boolean {
  if (typeof outer !== "string" || typeof inner !== "string") return false;
  const o = normalizeGlob(outer);
  const i = normalizeGlob(inner);
  if (o === ANY_EXTERNAL) return !canMatchInternal(i);
  // "All external destinations" includes "" and strings without any given character, so only a
  // bare `*` covers it.
  if (i === ANY_EXTERNAL) return o === STAR;
  return globCovers(o, i);
}

export function uncoveredDestinations(outer: readonly string[] | undefined, inner: readonly string[]): string[] {
  return inner.filter((i) => !(outer ?? []).some((o) => destinationCovers(o, i)));
}
