import { parentPort } from "node:worker_threads";
import { hashBlock } from "./hash-block";

// A hashing worker (hash-pool.ts): blocks of bundle lines in, their events' hashes out, in the
// order asked. Started through hash-worker.mjs.
parentPort!.on("message", (m: { id: number; bytes: Uint8Array }) => {
  const r = hashBlock(m.bytes);
  parentPort!.postMessage({ id: m.id, block: r }, [r.leafHashes.buffer as ArrayBuffer]);
});
