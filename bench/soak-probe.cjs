// Loaded into each server process by the soak bench (bench/soak.ts, through
// NODE_OPTIONS=--require, which the app process inherits from the front): every
// WARDEN_SOAK_PROBE_MS (1000) it appends one JSON line to <WARDEN_SOAK_PROBE_DIR>/probe-<pid>.jsonl
// with what only the process itself can see: its V8 heap (used, total, and used right after the
// last full collection), external and array-buffer memory, and its active handles by kind (TCP
// and pipe sockets, timers). The bench reads RSS, descriptors and CPU from /proc itself. Nothing
// here changes how the server runs; the timer does not keep the process alive.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { PerformanceObserver, constants } = require("node:perf_hooks");

const dir = process.env.WARDEN_SOAK_PROBE_DIR;
if (dir) {
  const file = path.join(dir, `probe-${process.pid}.jsonl`);
  let majorGcs = 0;
  let heapAfterMajorGc = null;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e.detail ? e.detail.kind : e.kind) !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      majorGcs++;
      heapAfterMajorGc = process.memoryUsage().heapUsed; // the observer runs just after the collection
    }
  });
  gc.observe({ entryTypes: ["gc"] });
  const every = Number(process.env.WARDEN_SOAK_PROBE_MS || 1000);
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const handles = {};
    for (const r of process.getActiveResourcesInfo()) handles[r] = (handles[r] || 0) + 1;
    const line = { t: Date.now(), pid: process.pid, role: process.env.WARDEN_ROLE || "front", rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, heapAfterMajorGc, majorGcs, handles };
    try {
      fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {}
  }, every);
  timer.unref();
}
