import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { buildSync } from "esbuild";
import type { HashedBlock } from "./events";

// Worker threads that hash blocks of bundle lines (hash-block.ts) while the reader checks the
// order of the blocks before: parsing and hashing each event is nine tenths of a bundle's
// verification and needs nothing from the events around it. A worker that fails fails the run.

let workerCode: string | null = null;

/**
 * hash-worker.ts and the modules it imports (the very files this thread runs), bundled by esbuild
 * into one script a worker evaluates. A worker thread on Node 20 does not inherit the TypeScript
 * loader (tsx, itself esbuild) of the thread that starts it, and starting tsx in each worker
 * takes ~0.4 s; this takes ~40 ms once.
 */
function bundledWorker(): string {
  workerCode ??= buildSync({
    entryPoints: [fileURLToPath(new URL("./hash-worker.ts", import.meta.url))],
    tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)),
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node20",
    write: false,
    logLevel: "silent",
  }).outputFiles[0].text;
  return workerCode;
}

export class HashPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (b: HashedBlock) => void; reject: (err: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(bundledWorker(), { eval: true });
      w.on("message", (m: { id: number; block: HashedBlock }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        p?.resolve(m.block);
      });
      w.on("error", (err) => this.fail(err));
      w.on("exit", (code) => this.fail(new Error(`a hashing worker stopped (exit code ${code})`)));
      return w;
    });
  }

  private fail(err: Error) {
    if (this.closed) return;
    this.failure ??= err;
    for (const p of this.waiting.values()) p.reject(this.failure);
    this.waiting.clear();
  }

  /** Hashes a block of whole lines on the next worker in turn (blocks are spread round-robin); `bytes` are copied. */
  hash(block: Uint8Array): Promise<HashedBlock> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length];
    const p = new Promise<HashedBlock>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const bytes = new Uint8Array(block); // a buffer of its own, handed over without a second copy
      worker.postMessage({ id, bytes }, [bytes.buffer]);
    });
    p.catch(() => {}); // blocks left behind when the reader stops early are never awaited
    return p;
  }

  get size() {
    return this.workers.length;
  }

  close() {
    this.closed = true;
    this.waiting.clear();
    for (const w of this.workers) void w.terminate();
  }
}
