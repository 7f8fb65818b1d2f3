// Starts a hashing worker (hash-worker.ts) through tsx, which runs the verifier's TypeScript (see
// warden-audit.mjs): on Node 20 a worker thread does not inherit the loader of the thread that
// started it. The repository's tsconfig gives the "@/" paths the pure modules import by.
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

await tsImport("./hash-worker.ts", { parentURL: import.meta.url, tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) });
