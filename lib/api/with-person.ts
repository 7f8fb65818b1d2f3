import type { NextRequest } from "next/server";
import { personFromApiToken, personFromSessionCookie, type Person } from "@/lib/api/current-person";
import { can, type Capability } from "@/lib/policy/roles";
import { sessionCookieName } from "@/lib/auth/secret";
import { DomainError, isDomainError } from "@/lib/errors";
import { checkQuery } from "./body";
import { errorBody, statusOf } from "./errors";
import { refusedForOutage, unavailableError, unavailableHeaders } from "./unavailable";
import { requestMeta, type RequestMeta } from "./meta";

export { metaFrom, requestMeta, type RequestMeta } from "./meta";

export type PersonContext<P> = { req: NextRequest; person: Person; params: P; meta: RequestMeta };
type RouteCtx = { params: Promise<Record<string, string | string[]>> };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function json(data: unknown, status = 200, meta?: RequestMeta) {
  return Response.json(data, {
    status,
    headers: { "cache-control": "no-store", ...(meta ? { "x-request-id": meta.requestId } : {}) },
  });
}

/**
 * The error envelope for `err`. A database outage is a 503 with Retry-After, counted rather than
 * logged per request; anything else that is not a DomainError is a bug: a generic 500, its
 * cause in the server log.
 */
export function errorResponse(err: unknown, meta: RequestMeta) {
  if (isDomainError(err)) return json(errorBody(err, meta.requestId), statusOf(err), meta);
  if (refusedForOutage(err)) {
    return Response.json(errorBody(unavailableError(), meta.requestId), { status: 503, headers: { ...unavailableHeaders(), "x-request-id": meta.requestId } });
  }
  // The cause goes to the server log, never to the caller.
  console.error(`[warden] request ${meta.requestId} failed:`, err);
  return json(errorBody(new DomainError("internal", "Internal error"), meta.requestId), 500, meta);
}

/**
 * Cookie-authenticated mutations must come from our own pages: the browser's Origin (or
 * Sec-Fetch-Site) must match the host the request was sent to. Bearer-token calls carry no
 * ambient credential and are exempt.
 */
function checkCsrf(req: NextRequest) {
  const origin = req.headers.get("origin");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (origin) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {}
    if (originHost && host && originHost === host) return;
  } else if (req.headers.get("sec-fetch-site") === "same-origin") {
    return;
  }
  throw new DomainError("csrf_failed", "Cross-site request refused");
}

async function authenticate(req: NextRequest): Promise<Person> {
  const auth = req.headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const person = m ? await personFromApiToken(m[1]) : null;
    if (!person) throw new DomainError("unauthenticated", "Invalid or revoked API token");
    return person;
  }
  const person = await personFromSessionCookie(req.cookies.get(sessionCookieName())?.value);
  if (!person) throw new DomainError("unauthenticated", "Sign in or send an API token");
  return person;
}

/**
 * Wraps a route handler for people (browser session or personal API token). Fails closed:
 * no person, no handler. `can` names the capability the route needs (lib/policy/roles.ts).
 */
export function withPerson<P = Record<string, string>>(
  handler: (ctx: PersonContext<P>) => Promise<Response | object>,
  opts: { can: Capability },
) {
  return async (req: NextRequest, routeCtx: RouteCtx) => {
    const meta = requestMeta(req);
    try {
      const person = await authenticate(req);
      if (!SAFE_METHODS.has(req.method) && person.via === "session") checkCsrf(req);
      if (!can(person.role, opts.can)) throw new DomainError("forbidden", "Your role does not allow this");
      // A one-time password only opens the way to choosing a real one.
      if (person.mustChangePassword && !new URL(req.url).pathname.startsWith("/api/v1/me")) {
        throw new DomainError("forbidden", "Change your one-time password first (POST /api/v1/me/password)");
      }
      checkQuery(req.url);
      const params = ((await routeCtx?.params) ?? {}) as P;
      const out = await handler({ req, person, params, meta });
      return out instanceof Response ? out : json(out, 200, meta);
    } catch (err) {
      return errorResponse(err, meta);
    }
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from the path: anything that is not a UUID is simply not found. */
export function idParam(value: unknown, what = "Resource"): string {
  if (typeof value !== "string" || !UUID_RE.test(value)) throw new DomainError("not_found", `${what} not found`);
  return value.toLowerCase();
}

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_RE.test(value);
}
