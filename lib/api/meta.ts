import { uuidv7 } from "@/lib/db/uuidv7";
import type { RequestMeta } from "@/lib/domain/request";

export type { RequestMeta } from "@/lib/domain/request";

export function requestMeta(req: Request): RequestMeta {
  return metaFrom(req.headers.get("x-request-id"), req.headers.get("x-forwarded-for"));
}

/** The same, from raw header values (the node:http machine listener has no Request). */
export function metaFrom(requestIdHeader: string | null | undefined, forwardedFor: string | null | undefined): RequestMeta {
  // Echoed as given (AuthZEN requires it) when it is plain printable ASCII of sane length.
  const requestId = requestIdHeader && /^[\x20-\x7e]{1,256}$/.test(requestIdHeader) ? requestIdHeader : uuidv7(); // time-ordered, like the decisions and events it tags
  const ip = forwardedFor?.split(",")[0]?.trim() || null;
  return { requestId, ip };
}
