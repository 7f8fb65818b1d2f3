#!/usr/bin/env node
// `warden-audit` (package.json bin, `npx warden-audit`): runs sdk/audit/cli.ts through tsx, like
// warden-gateway. The verifier imports only pure modules and `pg`, so a clean install suffices.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
// A young generation of 64 MB semi-spaces (V8's default is 16): verifying a bundle allocates a
// parsed object, strings and hashes per event and keeps none of them, and with the default most
// of a large bundle's collection time went to scavenges promoting what was about to die (1,000,000
// events: about a tenth faster). A NODE_OPTIONS of the caller's own comes after and wins.
const nodeOptions = ["--max-semi-space-size=64", process.env.NODE_OPTIONS].filter(Boolean).join(" ");
const child = spawn(process.execPath, [require.resolve("tsx/cli"), fileURLToPath(new URL("./cli.ts", import.meta.url)), ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, NODE_OPTIONS: nodeOptions, TSX_TSCONFIG_PATH: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) },
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
