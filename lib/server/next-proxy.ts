import http from "node:http";
import { errorBody } from "@/lib/api/errors";
import { DomainError } from "@/lib/errors";
import { metaFrom } from "@/lib/api/meta";
import { DEFAULT_LIMITS } from "./limits";

// Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the message, so they
// are not passed from one side of the proxy to the other.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

/**
 * Passes a request on to the Next process listening on `socketPath` (a Unix socket) and streams
 * its answer back as it comes: pages, the management API and live streams (server-sent events)
 * alike. Headers go through as sent, repeated ones (Set-Cookie) included; only hop-by-hop
 * headers stop here. Nothing is buffered, so a long live stream costs the front nothing but
 * the bytes it relays; a client that goes away ends the upstream request too.
 *
 * When Next cannot be reached the caller gets the usual error envelope with 503; when it does
 * not start answering within `appTimeoutMs` of the request being passed on, 504
 * `upstream_timeout`: never a hang.
 */
export function createNextProxy(socketPath: string, opts: { maxSockets?: number; appTimeoutMs?: number } = {}) {
  const appTimeoutMs = opts.appTimeoutMs ?? DEFAULT_LIMITS.appTimeoutMs;
  // At most one socket per connection the front accepts (its cap, WARDEN_MAX_CONNECTIONS): a
  // client connection has at most one request in flight, so the cap bounds what the app process
  // is asked to hold without ever making a request wait for a socket, not even behind the live
  // views, each of which holds one for as long as it is open. Idle ones are kept for reuse, up to 64.
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? DEFAULT_LIMITS.maxConnections, maxFreeSockets: 64 });
  return function proxy(req: http.IncomingMessage, res: http.ServerResponse) {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    // Until the app process starts answering. A live stream's answer starts at once and is then
    // never timed here: it lasts as long as the client keeps it open.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      upstream.destroy(new Error(`no answer within ${appTimeoutMs / 1000} s`));
    }, appTimeoutMs);
    const upstream = http.request({ socketPath, agent, method: req.method, path: req.url, headers }, (up) => {
      clearTimeout(timer);
      const raw: string[] = [];
      for (let i = 0; i < up.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(up.rawHeaders[i].toLowerCase())) raw.push(up.rawHeaders[i], up.rawHeaders[i + 1]);
      }
      res.writeHead(up.statusCode ?? 502, up.statusMessage, raw);
      // A live stream's headers go out now (the browser opens its EventSource on them); other
      // answers send theirs with the first bytes of the body, in one write.
      if (String(up.headers["content-type"] ?? "").startsWith("text/event-stream")) res.flushHeaders();
      up.pipe(res);
      up.on("error", () => res.destroy());
    });
    let clientGone = false;
    upstream.on("error", (err) => {
      clearTimeout(timer);
      if (clientGone) return; // we ended it (below): nobody is waiting for an answer
      if (res.headersSent) {
        res.destroy(); // mid-answer: the client sees a cut-off response, never a spliced one
        return;
      }
      const meta = metaFrom(req.headers["x-request-id"] as string | undefined, null);
      console.error(`[warden] request ${meta.requestId} (${req.method} ${req.url}) ${timedOut ? "got no answer from" : "could not reach"} the app process:`, err.message);
      const [status, error, extra] = timedOut
        ? [504, new DomainError("upstream_timeout", `The app process did not answer within ${appTimeoutMs / 1000} s`), {}]
        : [503, new DomainError("unavailable", "The app process is not reachable; try again shortly"), { "retry-after": "1" }];
      const body = JSON.stringify(errorBody(error, meta.requestId));
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...extra, "x-request-id": meta.requestId });
      res.end(body);
    });
    // The client went away (a closed tab ends its live stream, the front cut a slow client):
    // stop the upstream request too. Browsers do this all the time (a navigation cancels its
    // prefetches): not an error.
    res.on("close", () => {
      clearTimeout(timer);
      if (res.writableFinished) return;
      clientGone = true;
      upstream.destroy();
    });
    req.pipe(upstream);
  };
}
