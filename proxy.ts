import { NextResponse, type NextRequest } from "next/server";

// Only redirects: pages without a session cookie go to sign-in. It decides nothing about
// access; every page and handler checks the person itself (lib/api/current-person.ts) and fails
// closed.
export function proxy(req: NextRequest) {
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

export const config = {
  // Pages only: not the APIs (they answer 401 themselves), not sign-in, not static files (the web
  // manifest included: browsers fetch it without cookies).
  matcher: ["/((?!api/|access/|\\.well-known/|sign-in|_next/|favicon.ico|manifest.webmanifest|.*\\.(?:svg|png|ico|txt)$).*)"],
};
