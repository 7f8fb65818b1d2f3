import type { IncomingMessage, ServerResponse } from "node:http";
import { authorizeSchema } from "@/lib/services/decisions/schemas";
import { answerAuthorize, AUTHORIZE_MAX_BODY, type Answer } from "./authorize-endpoint";
import { checkJsonHeaders, parseJsonText, tooLarge } from "./body";
import { metaFrom } from "./meta";

// The same headers next.config.ts puts on every response Next serves.
const SECURITY_HEADERS = { "x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin" };

/**
 * The decision endpoint on plain node:http, in front of Next: in the front process on Postgres
 * (lib/server/front.ts), in Next's own process otherwise (server.ts).
 * A Next route handler costs about a millisecond of CPU per request here, which would cap the
 * hot path near 1,000 decisions/s on two cores; this path does the same work through the same
 * code (answerAuthorize) without the framework. Returns false for anything it does not serve.
 */
export function serveMachineApi(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST") return false;
  const url = req.url ?? "";
  const q = url.indexOf("?");
  if ((q < 0 ? url : url.slice(0, q)) !== "/api/v1/authorize") return false;
  const meta = metaFrom(header(req, "x-request-id"), header(req, "x-forwarded-for"));
  answerAuthorize(header(req, "authorization"), () => readBody(req).then((t) => parseJsonText(t, authorizeSchema)), meta).then(
    (a) => send(res, a),
    (err) => {
      console.error(`[warden] request ${meta.requestId} failed:`, err);
      if (!res.headersSent) send(res, { status: 500, body: { error: { code: "internal", message: "Internal error", requestId: meta.requestId } }, headers: {} });
    },
  );
  return true;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === "string" ? v : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  checkJsonHeaders(header(req, "content-type"), header(req, "content-length"), AUTHORIZE_MAX_BODY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > AUTHORIZE_MAX_BODY) {
        chunks.length = 0;
        req.removeAllListeners("data");
        req.resume(); // discard the rest; the answer closes the connection
        reject(tooLarge(AUTHORIZE_MAX_BODY));
      } else chunks.push(c);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, a: Answer) {
  const body = JSON.stringify(a.body);
  res.writeHead(a.status, { ...SECURITY_HEADERS, ...a.headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
