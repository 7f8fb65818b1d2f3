import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { rawRequest, runSteady, steadySender } from "./steady";

let server: http.Server | undefined;
afterEach(() => server?.close());

function serve(handler: (n: number, res: http.ServerResponse) => void): Promise<string> {
  let n = 0;
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(++n, res));
  });
  return new Promise((resolve) => server!.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/api/v1/authorize`)));
}

describe("the C steady-rate sender", () => {
  it("builds one keep-alive POST with its length", () => {
    expect(rawRequest("http://127.0.0.1:3210/api/v1/authorize", { authorization: "Bearer k" }, '{"a":"é"}')).toBe(
      'POST /api/v1/authorize HTTP/1.1\r\nHost: 127.0.0.1:3210\r\nauthorization: Bearer k\r\nContent-Length: 10\r\n\r\n{"a":"é"}',
    );
  });

  it.skipIf(!steadySender())("sends every request, reads the status and Server-Timing of each", async () => {
    const url = await serve((n, res) => {
      res.writeHead(n % 4 === 0 ? 403 : 200, { "content-type": "application/json", "server-timing": "decision;dur=1.5" });
      res.end('{"decision":"allow"}');
    });
    const r = await runSteady(url, { headers: { "content-type": "application/json" }, body: "{}", rate: 200, seconds: 1, connections: 4 });
    expect(r).toMatchObject({ requests: 200, errors: 0, non2xx: 50, server: { p50: 1.5, p99: 1.5 } });
    expect(r.p50).toBeGreaterThan(0);
  });

  it.skipIf(!steadySender())("counts latency from when a request was due, so a slow server cannot slow the sender down unseen", async () => {
    // One connection, a request due every 10 ms, each answered after 25 ms: the backlog grows
    // through the run and the last requests wait most of a second behind it.
    const url = await serve((_n, res) => setTimeout(() => res.end("{}"), 25));
    const r = await runSteady(url, { headers: {}, body: "{}", rate: 100, seconds: 1, connections: 1 });
    expect(r.requests).toBe(100);
    expect(r.waited).toBeGreaterThan(50);
    expect(r.p99).toBeGreaterThan(1000);
    expect(r.p50).toBeGreaterThan(500);
  });

  it.skipIf(!steadySender())("reads chunked answers to their last chunk", async () => {
    const url = await serve((_n, res) => {
      res.writeHead(200, { "content-type": "application/json" }); // no length: Node sends it chunked
      res.write('{"decision":');
      setTimeout(() => res.end('"allow"}'), 2);
    });
    const r = await runSteady(url, { headers: {}, body: "{}", rate: 100, seconds: 1, connections: 2 });
    expect(r).toMatchObject({ requests: 100, errors: 0, non2xx: 0 });
  });

  it.skipIf(!steadySender())("gives up with a clear error when the server stops answering", async () => {
    const url = await serve(() => {}); // reads the request, never answers
    await expect(runSteady(url, { headers: {}, body: "{}", rate: 50, seconds: 1, connections: 2, stallSeconds: 1 })).rejects.toThrow(/no answer for 1 s with \d+ requests outstanding/);
  });
});
