import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isDomainError } from "@/lib/errors";
import { createBoundedServer } from "./bounded-server";
import { listen } from "./lifecycle";
import { DEFAULT_LIMITS, type Limits } from "./limits";

// Real slow clients (raw TCP sockets that send part of a request and stop) against a real
// listener with short limits. Timing assertions are bounds with wide margins, never benchmarks:
// "answered within 3× the limit", and, where it tells one limit from another, "not before half of it".
const LIMITS: Limits = { ...DEFAULT_LIMITS, headersTimeoutMs: 500, requestTimeoutMs: 2_000, bodyIdleTimeoutMs: 500, keepAliveTimeoutMs: 5_000, maxConnections: 50 };

let servers: http.Server[] = [];
let clients: net.Socket[] = [];
afterEach(async () => {
  for (const c of clients) c.destroy();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  servers = [];
  clients = [];
});

async function start(handler: http.RequestListener, limits: Partial<Limits> = {}, opts: { keepAliveTimeoutMs?: number } = {}) {
  const server = createBoundedServer(handler, { ...LIMITS, ...limits }, opts);
  await listen(server, { port: 0, hostname: "127.0.0.1" });
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** A raw client: what it has received so far, and when (ms after connecting) the server closed it. */
function client(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  clients.push(socket);
  const t0 = performance.now();
  let received = "";
  socket.on("data", (d) => (received += d));
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now() - t0)));
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return {
    socket,
    connected,
    closed,
    received: () => received,
    send: (s: string) => socket.write(s),
    /** Resolves once `text` has been received (or rejects when the socket closes first). */
    waitFor: (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => received.includes(text) && (resolve(), true);
        if (check()) return;
        socket.on("data", check);
        socket.once("close", () => (received.includes(text) ? resolve() : reject(new Error(`closed before "${text}"; got: ${received}`))));
      }),
  };
}

function parse(raw: string) {
  const [head, body] = raw.split("\r\n\r\n");
  const [status, ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status: Number(status.split(" ")[1]), headers, body: headers["content-type"] === "application/json" ? JSON.parse(body) : body };
}

const ok: http.RequestListener = (req, res) => {
  req.resume();
  req.on("end", () => res.end("ok"));
};

describe("a bounded listener", () => {
  it("answers a connection that sends nothing 408 in the error envelope, and closes it, within the headers timeout", async () => {
    const port = await start(ok);
    const c = client(port);
    const closedAt = await c.closed;
    expect(closedAt).toBeGreaterThan(LIMITS.headersTimeoutMs / 2);
    expect(closedAt).toBeLessThan(3 * LIMITS.headersTimeoutMs);
    const r = parse(c.received());
    expect(r.status).toBe(408);
    expect(r.headers.connection).toBe("close");
    expect(r.body).toEqual({ error: { code: "request_timeout", message: "The request headers did not arrive within 0.5 s", requestId: expect.any(String) } });
  });

  it("answers partial headers 408 within the headers timeout", async () => {
    const handler = vi.fn(ok);
    const port = await start(handler);
    const c = client(port);
    await c.connected;
    c.send("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    const closedAt = await c.closed;
    expect(closedAt).toBeLessThan(3 * LIMITS.headersTimeoutMs);
    expect(parse(c.received()).status).toBe(408);
    expect(handler).not.toHaveBeenCalled();
  });

  it("cuts a body that stops arriving at the body-idle timeout, long before the request timeout, naming the request id", async () => {
    let seen: Error | undefined;
    const port = await start((req) => {
      req.on("data", () => {});
      req.on("error", (e) => (seen = e)); // the handler waiting for the body learns the request is over
    });
    const c = client(port);
    await c.connected;
    c.send("POST /api/v1/authorize HTTP/1.1\r\nHost: x\r\nX-Request-Id: slow-1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"sessionId\":");
    const closedAt = await c.closed;
    expect(closedAt).toBeGreaterThan(LIMITS.bodyIdleTimeoutMs / 2);
    expect(closedAt).toBeLessThan(3 * LIMITS.bodyIdleTimeoutMs);
    const r = parse(c.received());
    expect(r.status).toBe(408);
    expect(r.headers["x-request-id"]).toBe("slow-1");
    expect(r.body.error).toEqual({ code: "request_timeout", message: "The request body stopped arriving: nothing for 0.5 s", requestId: "slow-1" });
    await new Promise((r) => setTimeout(r, 50));
    // Told why, as a DomainError (answered quietly by every handler), not Node's bare "aborted".
    expect(seen).toMatchObject({ code: "request_timeout", message: "The request body stopped arriving: nothing for 0.5 s" });
    expect(isDomainError(seen)).toBe(true);
  });

  for (const how of ["closes", "resets"] as const) {
    it(`tells a handler waiting for a body that its client left mid-body (${how} the connection), as a DomainError`, async () => {
      let seen!: (e: Error) => void;
      const failed = new Promise<Error>((r) => (seen = r));
      const port = await start((req) => {
        req.on("data", () => {});
        req.on("error", seen);
      });
      const c = client(port);
      await c.connected;
      c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
      await new Promise((r) => setTimeout(r, 100));
      if (how === "closes") c.socket.destroy();
      else c.socket.resetAndDestroy();
      const err = await failed;
      expect(err).toMatchObject({ code: "bad_request", message: "The connection closed before the request was received in full" });
      expect(isDomainError(err)).toBe(true);
    });
  }

  it("cuts a body that trickles in (never idle for long) at the request timeout", async () => {
    const port = await start(ok);
    const c = client(port);
    await c.connected;
    c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
    const drip = setInterval(() => c.send("a"), LIMITS.bodyIdleTimeoutMs / 4);
    try {
      const closedAt = await c.closed;
      expect(closedAt).toBeGreaterThan(LIMITS.requestTimeoutMs / 2);
      expect(closedAt).toBeLessThan(3 * LIMITS.requestTimeoutMs);
      const r = parse(c.received());
      expect(r.status).toBe(408);
      expect(r.body.error.message).toBe("The request was not received in full within 2 s");
    } finally {
      clearInterval(drip);
    }
  });

  it("does not blame the client for a body that waits on a handler reading slowly", async () => {
    const port = await start((req, res) => {
      // Reads nothing for three body-idle timeouts: the body's buffer fills and the socket is paused.
      setTimeout(() => {
        let n = 0;
        req.on("data", (d) => (n += d.length));
        req.on("end", () => res.end(String(n)));
      }, 3 * LIMITS.bodyIdleTimeoutMs);
    });
    const body = "x".repeat(8 * 1024 * 1024);
    const r = await fetch(`http://127.0.0.1:${port}/upload`, { method: "POST", body });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(String(body.length));
  });

  it("never times an answer: a slow one and a live stream outlast every limit once the request is in", async () => {
    const port = await start((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.url === "/stream") {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write("event: ready\n\n");
          setTimeout(() => res.end("event: later\n\n"), LIMITS.requestTimeoutMs + 1_000);
        } else setTimeout(() => res.end("late"), LIMITS.requestTimeoutMs + 1_000); // nothing written meanwhile
      });
    });
    const slow = client(port);
    const stream = client(port);
    await Promise.all([slow.connected, stream.connected]);
    slow.send('POST /report HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}');
    stream.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    await Promise.all([slow.waitFor("late"), stream.waitFor("event: later")]);
    expect(parse(slow.received())).toMatchObject({ status: 200, body: expect.stringContaining("late") });
    expect(parse(stream.received()).status).toBe(200);
    expect(stream.received()).toContain("event: ready");
  });

  it("keeps an idle kept-alive connection until the keep-alive timeout, however long past the other limits", async () => {
    const port = await start(ok, { keepAliveTimeoutMs: 1_500 });
    const c = client(port);
    await c.connected;
    c.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    await c.waitFor("ok");
    // Idle longer than the headers and body-idle timeouts: still open, the next request is served.
    await new Promise((r) => setTimeout(r, 2 * LIMITS.headersTimeoutMs));
    c.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((r) => setTimeout(r, 100));
    expect(c.received().match(/HTTP\/1.1 200/g)).toHaveLength(2);
    const closedAt = await c.closed;
    expect(c.received()).not.toContain("408");
    expect(closedAt).toBeLessThan(2 * LIMITS.headersTimeoutMs + 3 * 1_500);
  });

  it("with keep-alive off (the app process), never closes an idle connection, even after a body", async () => {
    const port = await start(ok, {}, { keepAliveTimeoutMs: 0 });
    const c = client(port);
    await c.connected;
    c.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    await c.waitFor("ok");
    await new Promise((r) => setTimeout(r, 4 * Math.max(LIMITS.bodyIdleTimeoutMs, LIMITS.headersTimeoutMs)));
    expect(c.socket.destroyed).toBe(false);
    c.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise((r) => setTimeout(r, 100));
    expect(c.received().match(/HTTP\/1.1 200/g)).toHaveLength(2);
  });

  it("answers connections over the cap 503 overloaded with Retry-After, without reading their requests, and serves again once one closes", async () => {
    const handler = vi.fn(ok);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const port = await start(handler, { maxConnections: 3 });
      const held = [client(port), client(port), client(port)];
      for (const c of held) {
        await c.connected;
        c.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
        await c.waitFor("ok"); // served, then kept alive: each holds its place
      }
      const over = client(port);
      await over.connected;
      over.send("GET /over HTTP/1.1\r\nHost: x\r\n\r\n");
      const closedAt = await over.closed;
      expect(closedAt).toBeLessThan(1_000);
      const r = parse(over.received());
      expect(r.status).toBe(503);
      expect(r.headers["retry-after"]).toBe("1");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.body).toEqual({ error: { code: "overloaded", message: expect.stringContaining("limit of 3 open connections"), requestId: expect.any(String) } });
      expect(handler.mock.calls.map(([req]) => req.url)).toEqual(["/hold", "/hold", "/hold"]);

      // A real HTTP client sees the same answer.
      const f = await fetch(`http://127.0.0.1:${port}/over`);
      expect(f.status).toBe(503);
      expect((await f.json()).error.code).toBe("overloaded");
      // Said once, not once per connection.
      expect(warn.mock.calls.filter(([m]) => String(m).includes("limit of 3 open connections"))).toHaveLength(1);

      // One that keeps sending after its answer is closed all the same, within a second or so.
      const pushy = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
      clients.push(pushy);
      pushy.on("error", () => {});
      const t0 = performance.now();
      const flood = setInterval(() => pushy.writable && pushy.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 50);
      await new Promise((r) => pushy.on("close", r));
      clearInterval(flood);
      expect(performance.now() - t0).toBeLessThan(3_000);

      held[0].socket.destroy();
      await held[0].closed;
      await new Promise((r) => setTimeout(r, 50));
      const again = await fetch(`http://127.0.0.1:${port}/again`);
      expect(again.status).toBe(200);
    } finally {
      warn.mockRestore();
    }
  });

  it("refuses too many header fields and oversized headers with 431, malformed requests with 400, in the envelope", async () => {
    const port = await start(ok);
    const many = client(port);
    await many.connected;
    many.send(`GET / HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 120 }, (_, i) => `X-H${i}: v\r\n`).join("")}X-Forwarded-For: 10.0.0.1\r\n\r\n`);
    await many.closed;
    expect(parse(many.received())).toMatchObject({ status: 431, body: { error: { code: "headers_too_large" } } });

    const big = client(port);
    await big.connected;
    big.send(`GET / HTTP/1.1\r\nHost: x\r\nCookie: ${"c".repeat(20_000)}\r\n\r\n`);
    await big.closed;
    expect(parse(big.received())).toMatchObject({ status: 431, body: { error: { code: "headers_too_large" } } });

    const bad = client(port);
    await bad.connected;
    bad.send("NOT HTTP AT ALL\r\n\r\n");
    await bad.closed;
    expect(parse(bad.received())).toMatchObject({ status: 400, body: { error: { code: "bad_request" } } });

    // A normal request with a normal number of fields still goes through.
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  });

  it("keeps serving normal requests while slow clients are being cut", async () => {
    const port = await start(ok, { maxConnections: 40 });
    const slow = Array.from({ length: 20 }, () => client(port));
    for (const [i, c] of slow.entries()) {
      await c.connected;
      c.send(i % 2 ? "GET / HTTP/1.1\r\nHost: x\r\n" : "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");
    }
    const started = performance.now();
    let served = 0;
    while (performance.now() - started < 3 * LIMITS.headersTimeoutMs) {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
      expect(r.status).toBe(200);
      await r.text();
      served++;
    }
    expect(served).toBeGreaterThan(5);
    for (const c of slow) expect(await c.closed).toBeLessThan(3 * LIMITS.headersTimeoutMs + 500);
    expect(slow.map((c) => parse(c.received()).status)).toEqual(Array(20).fill(408));
  });
});
