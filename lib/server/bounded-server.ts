import http from "node:http";
import type { Socket } from "node:net";
import { ERROR_STATUS, errorBody } from "@/lib/api/errors";
import { metaFrom } from "@/lib/api/meta";
import { DomainError, type ErrorCode } from "@/lib/errors";
import type { Limits } from "./limits";

/** Header fields a request may carry; more is refused (431), never silently cut short. */
export const MAX_HEADER_FIELDS = 100;
/** All header lines together (Node's default, stated here so a --max-http-header-size flag cannot raise it). */
export const MAX_HEADER_BYTES = 16 * 1024;
/** What an over-the-cap client is told to wait before it tries again. */
export const RETRY_AFTER_SECONDS = 1;
// A refused connection is kept this long after its answer, reading and dropping what the client
// sends: closing a socket with unread bytes resets the connection, and the reset can overtake the
// answer. Refused connections beyond another cap's worth are dropped at once.
const LINGER_MS = 1_000;

export type BoundedOptions = {
  /** Which listener, in log lines ("the front", "the app process"). */
  name?: string;
  /** Overrides limits.keepAliveTimeoutMs (the app process: 0, never closes an idle socket). */
  keepAliveTimeoutMs?: number;
  /** Overrides limits.maxConnections. */
  maxConnections?: number;
};

type Current = { req: http.IncomingMessage; res: http.ServerResponse };

/**
 * An http.Server that does not wait for a slow or silent client for long, and does not take more
 * connections than it can serve (README, "Limits"). Every listener Warden opens is one of these.
 *
 * - Headers must arrive within `headersTimeoutMs` of the connection (or of the previous answer
 *   on it), the whole request within `requestTimeoutMs` of its first byte: Node's own
 *   headersTimeout and requestTimeout. Both measure receiving the request only; an answer may
 *   then take as long as it needs (a live stream stays open for hours). Node checks them every
 *   `connectionsCheckingInterval`, 30 s by default; here a quarter of the timeout, at most 1 s.
 * - A body that stops arriving for `bodyIdleTimeoutMs` is cut at once rather than at the request
 *   timeout. Node has no such timeout: socket.setTimeout also counts the answer's writes and
 *   would stay armed into the keep-alive wait, so one ticker per server watches the bytes read on
 *   each connection whose body is still arriving. A body that waits on this side (its buffer
 *   full because the handler reads slowly) is not the client's stall and is not cut.
 * - A request that times out is answered `408 request_timeout` in the error envelope (Node's own
 *   answer has no body), malformed ones `400`, oversized headers `431`, then the connection is
 *   closed; if an answer to that request has already started, the connection is only closed.
 * - At `maxConnections` open connections, the next one is answered `503 overloaded` with
 *   Retry-After and closed at once, without reading a request. server.maxConnections would only
 *   drop it: the client sees a reset it cannot tell from a crash.
 */
export function createBoundedServer(handler: http.RequestListener, limits: Limits, opts: BoundedOptions = {}): http.Server {
  const name = opts.name ?? "the server";
  const current = new WeakMap<Socket, Current>();
  const bodies = watchBodies(limits.bodyIdleTimeoutMs, (w) => cut(w.req.socket, current.get(w.req.socket), "request_timeout", `The request body stopped arriving: nothing for ${seconds(limits.bodyIdleTimeoutMs)}`));
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    (req, res) => {
      current.set(req.socket, { req, res });
      // Node keeps the first maxHeadersCount fields and drops the rest without a word; one more
      // than the limit is set below, so a request that reaches it had fields dropped: refused.
      if (req.rawHeaders.length / 2 > MAX_HEADER_FIELDS) {
        answer(res, "headers_too_large", `More than ${MAX_HEADER_FIELDS} header fields`, metaFrom(header(req, "x-request-id"), null).requestId);
        return;
      }
      if (hasBody(req)) bodies.watch(req);
      handler(req, res);
    },
  );
  server.maxHeadersCount = MAX_HEADER_FIELDS + 1;
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.destroyed) return; // closed by this side already (a request ended below)
    const cur = current.get(socket);
    switch (err.code) {
      case "ERR_HTTP_REQUEST_TIMEOUT":
        return inBody(cur)
          ? cut(socket, cur, "request_timeout", `The request was not received in full within ${seconds(limits.requestTimeoutMs)}`)
          : cut(socket, cur, "request_timeout", `The request headers did not arrive within ${seconds(limits.headersTimeoutMs)}`);
      case "HPE_HEADER_OVERFLOW":
        return cut(socket, cur, "headers_too_large", `Request headers exceed ${MAX_HEADER_BYTES} bytes`);
      case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
        return cut(socket, cur, "payload_too_large", "Chunk extensions too large");
      case "ECONNRESET":
        return socket.destroy(); // the client went away: nobody to answer
      case "HPE_INVALID_EOF_STATE": // the client closed its side mid-request
        return cut(socket, cur, "bad_request", CLOSED_EARLY);
      default:
        return cut(socket, cur, "bad_request", "Malformed HTTP request");
    }
  });
  server.on("close", () => bodies.stop());
  capConnections(server, opts.maxConnections ?? limits.maxConnections, name, (socket) => {
    // Registered before Node's own handling of the connection, so it runs before Node ends the
    // request with "aborted": a client that leaves mid-body (given up, or cut by the front in
    // front of this process) is told apart from a fault, quietly (endRequest).
    socket.once("close", () => endRequest(current.get(socket), "bad_request", CLOSED_EARLY));
  });
  return server;
}

function header(req: http.IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === "string" ? v : null;
}

const CLOSED_EARLY = "The connection closed before the request was received in full";

const seconds = (ms: number) => `${ms / 1000} s`;

// RFC 9112 §6.3: a request has a body exactly when it says so with one of these.
const hasBody = (req: http.IncomingMessage) => req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;

/** The connection's latest request is still receiving its body (else: between requests, or in the headers). */
const inBody = (cur: Current | undefined): boolean => !!cur && !cur.req.complete;

/**
 * Ends a connection whose client broke the limits: with an answer in the envelope when nothing
 * has been answered on it yet for the request under way, else (an answer already started) by
 * closing it, which is all that can be said without splicing two messages.
 */
function cut(socket: Socket, cur: Current | undefined, code: ErrorCode, message: string) {
  const end = () => {
    endRequest(cur, code, message);
    socket.destroy();
  };
  // The answer on this connection: to the request whose body is arriving, or still being sent
  // for the previous one (a client pipelining). Either way, it has started: close only.
  const busy = cur && cur.res.headersSent && (inBody(cur) || !cur.res.writableFinished);
  if (!socket.writable || busy) return end();
  const requestId = metaFrom(cur && inBody(cur) ? header(cur.req, "x-request-id") : null, null).requestId;
  socket.end(raw(code, message, requestId));
  // Closed once the answer is out. Nothing more is read: the request is over.
  socket.once("finish", end);
  setTimeout(end, LINGER_MS).unref();
}

/**
 * A handler still waiting for the body of a request that will not complete learns why, as a
 * DomainError: every handler answers one (here into a closed connection) without logging it as
 * a fault. Node would end it with a bare "aborted" error, which the handlers report with a stack
 * trace: one per cut client, a flood of them under a slow-client attack.
 */
function endRequest(cur: Current | undefined, code: ErrorCode, message: string) {
  if (cur && inBody(cur) && !cur.req.destroyed) cur.req.destroy(new DomainError(code, message));
}

/** A complete HTTP/1.1 answer as bytes, for a socket with no ServerResponse to write through. */
function raw(code: ErrorCode, message: string, requestId: string, extra: Record<string, string> = {}): string {
  const status = ERROR_STATUS[code];
  const body = JSON.stringify(errorBody(new DomainError(code, message), requestId));
  const head = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(body)}`,
    "cache-control: no-store",
    "x-content-type-options: nosniff",
    `x-request-id: ${requestId}`,
    ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
    "connection: close",
  ];
  return `${head.join("\r\n")}\r\n\r\n${body}`;
}

function answer(res: http.ServerResponse, code: ErrorCode, message: string, requestId: string) {
  const body = JSON.stringify(errorBody(new DomainError(code, message), requestId));
  res.writeHead(ERROR_STATUS[code], { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store", "x-request-id": requestId, connection: "close" });
  res.end(body);
}

/**
 * One ticker for every request whose body is still arriving: a body that has not grown for
 * `idleMs` (and is not waiting on this side) goes to `stalled`. Requests leave the set when
 * their body is complete or their connection closed; a body that arrives with its headers (a
 * decision) is in it until the next tick, nothing more.
 */
function watchBodies(idleMs: number, stalled: (w: { req: http.IncomingMessage }) => void) {
  type Watch = { req: http.IncomingMessage; bytes: number; since: number };
  const watching = new Set<Watch>();
  const timer = setInterval(
    () => {
      const now = performance.now();
      for (const w of watching) {
        const { req } = w;
        const socket = req.socket;
        if (req.complete || socket.destroyed) {
          watching.delete(w);
          continue;
        }
        const bytes = socket.bytesRead;
        // Bytes arrived, or the body's buffer is full: the handler reads slowly and the socket
        // is paused for it, so no byte can arrive. Neither is the client's stall.
        if (bytes !== w.bytes || req.readableLength >= req.readableHighWaterMark) {
          w.bytes = bytes;
          w.since = now;
        } else if (now - w.since >= idleMs) {
          watching.delete(w);
          stalled(w);
        }
      }
    },
    Math.max(50, Math.min(1_000, Math.floor(idleMs / 4))),
  );
  timer.unref();
  return {
    watch: (req: http.IncomingMessage) => void watching.add({ req, bytes: req.socket.bytesRead, since: performance.now() }),
    stop: () => clearInterval(timer),
  };
}

/**
 * Puts a gate before Node's own handling of a new connection: under the cap it goes on as
 * always; at the cap it is answered 503 `overloaded` and closed, and its bytes never reach the
 * HTTP parser. (Node's http.Server handles a connection in the one 'connection' listener it
 * registers when it is created; the gate takes that listener's place and calls it.)
 */
function capConnections(server: http.Server, max: number, name: string, admitted: (socket: Socket) => void) {
  const own = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  let open = 0;
  let lingering = 0;
  const report = refusalLog(max, name);
  server.on("connection", (socket: Socket) => {
    if (open < max) {
      open++;
      socket.once("close", () => open--);
      admitted(socket);
      for (const l of own) l.call(server, socket);
      return;
    }
    report();
    socket.on("error", () => {}); // a reset from a client we are turning away is nothing to report
    if (lingering >= max) return socket.destroy();
    lingering++;
    socket.once("close", () => lingering--);
    setTimeout(() => socket.destroy(), LINGER_MS).unref(); // a deadline, however much the client keeps sending
    socket.on("end", () => socket.destroy());
    socket.end(raw("overloaded", `This server is at its limit of ${max} open connections; try again shortly`, metaFrom(null, null).requestId, { "retry-after": String(RETRY_AFTER_SECONDS) }));
    socket.resume(); // read and drop what the client sends (see LINGER_MS)
  });
}

/** Says so when the cap is first reached, then once a minute with a count while it lasts: never a line per connection. */
function refusalLog(max: number, name: string) {
  let refused = 0;
  let timer: NodeJS.Timeout | null = null;
  return () => {
    refused++;
    if (timer) return;
    console.warn(`[warden] ${name} is at its limit of ${max} open connections (WARDEN_MAX_CONNECTIONS): answering new ones 503 overloaded`);
    refused = 0;
    timer = setInterval(() => {
      if (refused > 0) console.warn(`[warden] ${name} refused ${refused} connections over its limit of ${max} in the last minute`);
      else {
        clearInterval(timer!);
        timer = null;
      }
      refused = 0;
    }, 60_000);
    timer.unref();
  };
}
