#!/usr/bin/env node
// `warden-audit` (package.json bin, `npx warden-audit`): runs sdk/audit/cli.ts through tsx, like
// warden-gateway. The verifier imports only pure modules and `pg`, so a clean install suffices.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const child = spawn(process.execPath, [require.resolve("tsx/cli"), fileURLToPath(new URL("./cli.ts", import.meta.url)), ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TSX_TSCONFIG_PATH: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) },
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
