import { parentPort } from "node:worker_threads";
import { hashBlock } from "./hash-block";

// A hashing worker (hash-pool.ts): blocks of bundle lines in, their events' hashes out, in the
// order asked. hash-pool.ts starts it, bundled.
parentPort!.on("message", (m: { id: number; bytes: Uint8Array }) => {
  const r = hashBlock(m.bytes);
  const buffers = [r.seq, r.leaf, r.status, r.linked, r.leafHashes, r.ends].map((a) => a.buffer as ArrayBuffer);
  parentPort!.postMessage({ id: m.id, block: r }, buffers);
});
