// The base URL clients use to reach this Warden, for links and documents that must be absolute
// (the AuthZEN metadata, webhook links). The address the server listens on says nothing about it:
// behind server.ts that can be http://0.0.0.0:3000, which no client can use.

/** Request headers as node:http gives them (lower-case keys) or as a fetch `Headers`. */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | string[] | undefined>>;

type PublicUrlEnv = Readonly<{ WARDEN_PUBLIC_URL?: string; NEXTAUTH_URL?: string; PORT?: string }>;

// host[:port]: a DNS name or IPv4 address, or a bracketed IPv6 address. Anything else (a path, a
// user part, spaces) is not a host, so it cannot smuggle a path or another origin into the URL.
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/i;
// Addresses a server listens on that mean "every interface": never an address to give a client.
const UNSPECIFIED = new Set(["0.0.0.0", "[::]", "[::0]", "[0:0:0:0:0:0:0:0]"]);

/**
 * The origin (scheme, host, port; no path, query or fragment) clients should use, first found of:
 * `WARDEN_PUBLIC_URL`, `NEXTAUTH_URL` (what the operator configured), then the request as the
 * client sent it through a proxy (the first `X-Forwarded-Proto` and `X-Forwarded-Host`, each
 * falling back to plain `http` and `Host`), then `http://localhost:<PORT>`. An unusable value
 * (not an http(s) URL, not a host) is passed over; 0.0.0.0 or [::] becomes localhost.
 */
export function publicBaseUrl(headers: HeaderSource, env: PublicUrlEnv): string {
  for (const configured of [env.WARDEN_PUBLIC_URL, env.NEXTAUTH_URL]) {
    const origin = configured?.trim() ? originOf(configured.trim()) : null;
    if (origin) return origin;
  }
  const proto = first(headerValue(headers, "x-forwarded-proto"))?.toLowerCase();
  const scheme = proto === "https" || proto === "http" ? proto : "http";
  for (const host of [first(headerValue(headers, "x-forwarded-host")), first(headerValue(headers, "host"))]) {
    const origin = host && HOST.test(host) ? originOf(`${scheme}://${host}`) : null;
    if (origin) return origin;
  }
  return `http://localhost:${/^\d{1,5}$/.test(env.PORT ?? "") ? env.PORT : "3000"}`;
}

function originOf(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (UNSPECIFIED.has(url.hostname)) url.hostname = "localhost";
  return url.origin;
}

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === "function") return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const v = (headers as Readonly<Record<string, string | string[] | undefined>>)[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** The first entry of a comma-separated list: the one the outermost proxy saw from the client. */
function first(value: string | undefined): string | undefined {
  const v = value?.split(",")[0].trim();
  return v ? v : undefined;
}
