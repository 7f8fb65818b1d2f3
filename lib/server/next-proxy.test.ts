import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { listen } from "./lifecycle";
import { createNextProxy } from "./next-proxy";

// The front's pass-through to the app process, over a real Unix socket and real HTTP: what a
// browser sends arrives as sent, what the app answers comes back as answered, streams stream.
describe("the front's proxy to the app process", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-proxy-"));
  const socketPath = path.join(dir, "app.sock");
  let upstreamHandler: http.RequestListener = () => {};
  const upstream = http.createServer((req, res) => upstreamHandler(req, res));
  const front = http.createServer(createNextProxy(socketPath));
  let base = "";

  beforeAll(async () => {
    await listen(upstream, { path: socketPath });
    await listen(front, { port: 0, hostname: "127.0.0.1" });
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    upstreamHandler = () => {};
  });
  afterAll(async () => {
    front.closeAllConnections();
    upstream.closeAllConnections();
    await new Promise((r) => front.close(r));
    await new Promise((r) => upstream.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("passes method, path, query, headers and body through, and the answer back with repeated headers", async () => {
    let seen: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
    upstreamHandler = (req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(201, [["set-cookie", "a=1; Path=/"], ["set-cookie", "b=2; Path=/"], ["x-app", "yes"], ["content-type", "text/plain"]].flat());
        res.end("made");
      });
    };
    const r = await fetch(`${base}/api/agents?team=a%20b&x=1`, { method: "PATCH", headers: { cookie: "s=abc", "x-request-id": "rid-1", "content-type": "application/json" }, body: '{"name":"x"}' });
    expect(r.status).toBe(201);
    expect(await r.text()).toBe("made");
    expect(r.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(r.headers.get("x-app")).toBe("yes");
    expect(seen.method).toBe("PATCH");
    expect(seen.url).toBe("/api/agents?team=a%20b&x=1");
    expect(seen.body).toBe('{"name":"x"}');
    expect(seen.headers?.cookie).toBe("s=abc");
    expect(seen.headers?.["x-request-id"]).toBe("rid-1");
    expect(seen.headers?.host).toBe(new URL(base).host); // Next builds its URLs from it
  });

  it("carries a large upload and a large answer intact", async () => {
    const big = "x".repeat(3 * 1024 * 1024);
    upstreamHandler = (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => res.end(`${Buffer.concat(chunks).length}:${big}`));
    };
    const r = await fetch(`${base}/upload`, { method: "POST", body: big });
    expect(await r.text()).toBe(`${big.length}:${big}`);
  });

  it("streams a live answer as it comes, and ends the upstream request when the client leaves", async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    upstreamHandler = (req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      res.write("data: first\n\n");
      res.on("close", () => upstreamClosed()); // never ended by the app: only the client's leaving stops it
    };
    const first = await new Promise<{ status: number; type: string; chunk: string; req: http.ClientRequest }>((resolve, reject) => {
      const req = http.get(`${base}/api/live`, (res) => {
        res.once("data", (c) => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), chunk: String(c), req }));
      });
      req.on("error", reject);
    });
    expect(first.status).toBe(200);
    expect(first.type).toBe("text/event-stream");
    expect(first.chunk).toBe("data: first\n\n");
    const errors = vi.spyOn(console, "error");
    try {
      first.req.destroy();
      await closed;
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).not.toHaveBeenCalled(); // a client leaving is routine, not an error
    } finally {
      errors.mockRestore();
    }
  });

  it("lets a client leave before the app has answered, quietly, and ends the upstream request", async () => {
    let arrived!: () => void;
    let upstreamClosed!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    upstreamHandler = (req, res) => {
      res.on("close", () => upstreamClosed()); // never answers: a slow page the browser navigates away from
      arrived();
    };
    const errors = vi.spyOn(console, "error");
    try {
      const req = http.get(`${base}/sessions?_rsc=1`);
      req.on("error", () => {});
      await reached;
      req.destroy();
      await closed;
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it("serves a page while hundreds of live streams are open", async () => {
    upstreamHandler = (req, res) => {
      if (req.url === "/api/live") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(": open\n\n");
        return; // held open, as a dashboard tab's stream is
      }
      res.end("page");
    };
    const streams: http.ClientRequest[] = [];
    try {
      await Promise.all(
        Array.from({ length: 300 }, () => new Promise<void>((resolve, reject) => {
          const req = http.get(`${base}/api/live`, { agent: false }, (res) => res.once("data", () => resolve()));
          req.on("error", reject);
          streams.push(req);
        })),
      );
      const r = await fetch(`${base}/agents`, { signal: AbortSignal.timeout(5_000) });
      expect(await r.text()).toBe("page");
    } finally {
      for (const s of streams) s.destroy();
    }
  });

  /** A second front on the same app socket, with its own limits. */
  async function frontWith(opts: { maxSockets?: number; appTimeoutMs?: number }) {
    const f = http.createServer(createNextProxy(socketPath, opts));
    await listen(f, { port: 0, hostname: "127.0.0.1" });
    return {
      url: `http://127.0.0.1:${(f.address() as AddressInfo).port}`,
      close: async () => {
        f.closeAllConnections();
        await new Promise((r) => f.close(r));
      },
    };
  }

  it("answers 504 upstream_timeout when the app process does not start answering in time, and ends the upstream request", async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    upstreamHandler = (req, res) => {
      res.on("close", () => upstreamClosed()); // a wedged app process: never answers
    };
    const f = await frontWith({ appTimeoutMs: 300 });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const t0 = performance.now();
      const r = await fetch(`${f.url}/agents`, { headers: { "x-request-id": "rid-504" } });
      expect(performance.now() - t0).toBeLessThan(3 * 300);
      expect(r.status).toBe(504);
      expect(await r.json()).toEqual({ error: { code: "upstream_timeout", message: "The app process did not answer within 0.3 s", requestId: "rid-504" } });
      await closed;
      expect(errors).toHaveBeenCalledTimes(1);
    } finally {
      errors.mockRestore();
      await f.close();
    }
  });

  it("times only the start of an answer: a live stream outlasts the app timeout", async () => {
    upstreamHandler = (req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      setTimeout(() => res.end("data: second\n\n"), 1_000);
    };
    const f = await frontWith({ appTimeoutMs: 300 });
    try {
      const r = await fetch(`${f.url}/api/live`);
      expect(r.status).toBe(200);
      expect(await r.text()).toBe("data: first\n\ndata: second\n\n");
    } finally {
      await f.close();
    }
  });

  it("opens at most maxSockets sockets to the app process", async () => {
    let open = 0;
    let most = 0;
    upstreamHandler = (req, res) => {
      open++;
      most = Math.max(most, open);
      setTimeout(() => {
        open--;
        res.end("ok");
      }, 100);
    };
    const sockets = new Set<unknown>();
    const seen = (s: unknown) => sockets.add(s);
    upstream.on("connection", seen);
    const f = await frontWith({ maxSockets: 2 });
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => fetch(`${f.url}/p${i}`).then((r) => r.text())));
      expect(answers).toEqual(Array(6).fill("ok"));
      expect(most).toBe(2);
      expect(sockets.size).toBe(2);
    } finally {
      upstream.off("connection", seen);
      await f.close();
    }
  });

  it("answers 503 with the error envelope when the app process cannot be reached", async () => {
    const gone = http.createServer(createNextProxy(path.join(dir, "nobody.sock")));
    await listen(gone, { port: 0, hostname: "127.0.0.1" });
    try {
      const r = await fetch(`http://127.0.0.1:${(gone.address() as AddressInfo).port}/agents`, { headers: { "x-request-id": "rid-2" } });
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBe("1");
      expect(await r.json()).toEqual({ error: { code: "unavailable", message: expect.stringContaining("not reachable"), requestId: "rid-2" } });
    } finally {
      gone.closeAllConnections();
      await new Promise((r) => gone.close(r));
    }
  });
});
