// `npm run bench -- machine`: how fast this machine is right now, in about 15 s. A shared VM's
// speed moves through the day (by 3× and more on the one the figures in docs/benchmarks.md come
// from), and the decision-path targets can only be judged on an ordinary spell; this tells
// one from a slow one before a full run is spent on it.
import fs from "node:fs";
import http from "node:http";
import autocannon from "autocannon";

/**
 * This machine's speed right now, best of three each: a fixed piece of integer work, and 100,000
 * small writes to /dev/null (one system call each). Printed with every set of figures.
 */
export function machineProbe(): string {
  const best = (f: () => void) => {
    let ms = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      f();
      ms = Math.min(ms, performance.now() - start);
    }
    return Math.round(ms);
  };
  let x = 0; // a variable outside the loop's closure: its writes are kept, so is the loop
  const compute = best(() => {
    for (let i = 0; i < 1e8; i++) x = (x * 31 + i) | 0;
  });
  const fd = fs.openSync("/dev/null", "w");
  const buf = Buffer.alloc(16);
  const syscalls = best(() => {
    for (let i = 0; i < 100_000; i++) fs.writeSync(fd, buf);
  });
  fs.closeSync(fd);
  return `probe: 1e8 integer steps ${compute} ms, 100k write(2) ${syscalls} ms`;
}

/** The reference the decision path is measured against: node:http answering constant JSON. */
export function bareServer(): http.Server {
  return http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"decision":"allow","reasons":[],"decisionId":"00000000-0000-4000-8000-000000000000"}');
    });
  });
}

/** The bare server of the decision bench, 5 s at 50 connections with autocannon. */
export async function benchMachine() {
  const bare = bareServer();
  await new Promise<void>((r) => bare.listen(3212, "127.0.0.1", () => r()));
  try {
    const r = await autocannon({ url: "http://127.0.0.1:3212/", method: "POST", body: '{"a":1}', connections: 50, duration: 5 });
    console.log(
      `bare node:http, 50 connections (autocannon, 5 s): ${Math.round(r.requests.average).toLocaleString("en-US")}/s, p99 ${r.latency.p99} ms ` +
        "(the reference VM: 22,000–24,000/s on an ordinary spell, when Warden did 8,000–9,900 decisions/s; 7,000–9,000/s on a slow one, when it did 2,900–4,800)",
    );
  } finally {
    bare.close();
  }
}
