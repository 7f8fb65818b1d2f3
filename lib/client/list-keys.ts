// Shared by server pages and client lists (no "use client": server code calls these).

/** Serialises a page's searchParams the way the browser URL does, for InitialPage.key. */
export function searchKey(sp: Record<string, string | string[] | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(sp)) {
    if (Array.isArray(v)) v.forEach((x) => u.append(k, x));
    else if (v !== undefined) u.set(k, v);
  }
  return u.toString();
}

/** Dates become strings over JSON; the server hands the client the same shape the API does. */
export function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
