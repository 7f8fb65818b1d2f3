import type { IncomingMessage, ServerResponse } from "node:http";
import { authorizeSchema } from "@/lib/services/decisions/schemas";
import { authzenBody } from "@/lib/domain/authzen/schemas";
import { answerAuthorize, AUTHORIZE_MAX_BODY, type Answer } from "./authorize-endpoint";
import { answerAuthzen, answerMetadata, AUTHZEN_PATHS, type AuthzenKind } from "./authzen-endpoint";
import { checkJsonHeaders, parseJsonText, tooLarge } from "./body";
import { metaFrom } from "./meta";

// The same headers next.config.ts puts on every response Next serves.
const SECURITY_HEADERS = { "x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin" };

const METADATA_PATH = "/.well-known/authzen-configuration";

/**
 * The agents' decision endpoints on plain node:http, in front of Next: in the front process on
 * Postgres (lib/server/front.ts), in Next's own process otherwise (server.ts).
 * A Next route handler costs about a millisecond of CPU per request here, which would cap the
 * hot path near 1,000 decisions/s on two cores; this path does the same work through the same
 * code as the Next routes (answerAuthorize, answerAuthzen) without the framework.
 *
 *   POST /api/v1/authorize                      answerAuthorize (checked first: one comparison)
 *   POST /access/v1/evaluation, …/evaluations   answerAuthzen
 *   GET  /.well-known/authzen-configuration     answerMetadata
 *
 * Returns false for anything else, which goes to Next.
 */
export function serveMachineApi(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (req.method === "POST") {
    if (path === "/api/v1/authorize") {
      const meta = metaOf(req);
      const readInput = () => readBody(req, AUTHORIZE_MAX_BODY).then((t) => parseJsonText(t, authorizeSchema));
      reply(res, answerAuthorize(header(req, "authorization"), readInput, meta), meta.requestId);
      return true;
    }
    const kind: AuthzenKind | null = path === AUTHZEN_PATHS.evaluation ? "evaluation" : path === AUTHZEN_PATHS.evaluations ? "evaluations" : null;
    if (!kind) return false;
    const meta = metaOf(req);
    const readJson = (max: number) => readBody(req, max).then((t) => parseJsonText(t, authzenBody));
    reply(res, answerAuthzen(kind, header(req, "authorization"), readJson, meta), meta.requestId);
    return true;
  }
  if (req.method === "GET" && path === METADATA_PATH) {
    send(res, answerMetadata(req.headers, process.env, metaOf(req)));
    return true;
  }
  return false;
}

function metaOf(req: IncomingMessage) {
  return metaFrom(header(req, "x-request-id"), header(req, "x-forwarded-for"));
}

function reply(res: ServerResponse, answer: Promise<Answer>, requestId: string) {
  answer.then(
    (a) => send(res, a),
    (err) => {
      console.error(`[warden] request ${requestId} failed:`, err);
      if (!res.headersSent) send(res, { status: 500, body: { error: { code: "internal", message: "Internal error", requestId } }, headers: { "x-request-id": requestId } });
    },
  );
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === "string" ? v : null;
}

/** The body as UTF-8 text: JSON by its Content-Type, at most `max` bytes (declared or streamed). */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  checkJsonHeaders(header(req, "content-type"), header(req, "content-length"), max);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        chunks.length = 0;
        req.removeAllListeners("data");
        req.resume(); // discard the rest; the answer closes the connection
        reject(tooLarge(max));
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
