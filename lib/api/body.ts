import type { z } from "zod";
import { parseWith, validationError } from "@/lib/domain/request";
import { DomainError } from "@/lib/errors";
import { unstorableReason } from "@/lib/storable";

export { parseWith } from "@/lib/domain/request";

export const DEFAULT_MAX_BODY = 64 * 1024;

/**
 * Reads a JSON body with a size limit and validates it. Unknown fields are dropped by the
 * schemas (zod objects strip by default); every problem names its field.
 */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = DEFAULT_MAX_BODY): Promise<z.infer<S>> {
  checkJsonHeaders(req.headers.get("content-type"), req.headers.get("content-length"), maxBytes);
  return parseJsonText(await readLimited(req, maxBytes), schema);
}

/** Content-Type must be JSON; a declared length over the limit is refused before reading. */
export function checkJsonHeaders(contentType: string | null | undefined, contentLength: string | null | undefined, maxBytes: number) {
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? "")) {
    throw new DomainError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json");
  }
  if (Number(contentLength ?? "0") > maxBytes) throw tooLarge(maxBytes);
}

export const tooLarge = (maxBytes: number) => new DomainError("payload_too_large", `Body exceeds ${maxBytes} bytes`);

export function parseJsonText<S extends z.ZodType>(text: string, schema: S): z.infer<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new DomainError("invalid_json", "Body is not valid JSON");
  }
  return parseWith(schema, data);
}

/** Reads a body as UTF-8 text up to `maxBytes`; more is refused (payload_too_large) without reading it all. */
export async function readLimited(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Query-string parsing with the same error shape as bodies. */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  return parseWith(schema, params);
}

/**
 * Every API request's query string, whether or not its route parses it with readQuery, meets the
 * storable-text guard parseWith applies to bodies (lib/storable.ts): `?q=%00` is a 400 naming
 * `q`, not a 500 from the query. The route wrappers (withPerson, withAgent) call it; path
 * parameters need nothing more, since each is an id that is not found unless it is a UUID.
 */
export function checkQuery(url: string) {
  const q = url.indexOf("?");
  if (q < 0 || q === url.length - 1) return;
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
    const badName = unstorableReason(name);
    if (badName) throw validationError([{ path: "(query)", message: `has a parameter name that ${badName}` }]);
    const bad = unstorableReason(value);
    if (bad) throw validationError([{ path: name, message: bad }]);
  }
}

/**
 * A body sent either as a form (application/x-www-form-urlencoded, as OAuth endpoints such as
 * RFC 7662 and RFC 7009 expect) or as JSON, validated by the same schema.
 */
export async function readFormOrJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = 8 * 1024): Promise<z.infer<S>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) return readJson(req, schema, maxBytes);
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge(maxBytes);
  const form = new URLSearchParams(await readLimited(req, maxBytes));
  return parseWith(schema, Object.fromEntries(form));
}
