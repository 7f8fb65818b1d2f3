import { NextResponse, type NextRequest } from "next/server";
import { checkQuery } from "@/lib/api/body";

// Redirects pages without a session cookie to sign-in. It decides nothing about access; every
// page and handler checks the person itself (lib/api/current-person.ts) and fails closed.
// It is also where every page's query string meets the storable-text guard (lib/storable.ts)
// that API requests meet in their wrappers: the pages parse their filters with safeParse and no
// further check, and a NUL there would reach a list query as a 500.
export function proxy(req: NextRequest) {
  try {
    checkQuery(req.url);
  } catch (err) {
    return unusableAddress(req, (err as Error).message);
  }
  const hasSession = req.cookies.has("next-auth.session-token") || req.cookies.has("__Secure-next-auth.session-token");
  if (hasSession) {
    // Lets server layouts know the path (e.g. to send someone with a one-time password to the
    // password page from anywhere); the value is overwritten, never trusted from the client.
    const headers = new Headers(req.headers);
    headers.set("x-warden-path", req.nextUrl.pathname);
    return NextResponse.next({ request: { headers } });
  }
  const url = req.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = `?callbackUrl=${encodeURIComponent(req.nextUrl.pathname + req.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

/**
 * A 400 page: the console builds its own filter links, so such a query string is hand-made or
 * hostile. Ignoring the filter would show the unfiltered list as if it were the filtered one;
 * this says what is wrong and links to the page without it.
 */
function unusableAddress(req: NextRequest, problem: string) {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const path = esc(req.nextUrl.pathname);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad address · Warden</title></head><body style="font-family:system-ui,sans-serif;margin:3rem"><h1>This address cannot be used</h1><p>The query string has a value Warden cannot search for or store: ${esc(problem)}.</p><p><a href="${path}">Open ${path} without it</a></p></body></html>`;
  return new NextResponse(html, { status: 400, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

export const config = {
  // Pages only: not the APIs (they answer 401 themselves), not sign-in, not static files (the web
  // manifest included: browsers fetch it without cookies).
  matcher: ["/((?!api/|access/|\\.well-known/|sign-in|_next/|favicon.ico|manifest.webmanifest|.*\\.(?:svg|png|ico|txt)$).*)"],
};
