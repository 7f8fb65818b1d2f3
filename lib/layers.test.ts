// The layer rules in .dependency-cruiser.cjs bite: dependency-cruiser, run the way `npm test` runs
// it, on a small tree with one deliberate breach per rule, reports each breach and nothing else.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");

const FIXTURE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "esnext", moduleResolution: "bundler", jsx: "react-jsx", strict: true } }),
  // a module cycle
  "lib/policy/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n',
  "lib/policy/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
  // pure policy reading a table definition's row type: allowed
  "lib/policy/rows.ts": 'import type { Row } from "../db/schema/t";\nexport const ok = (r: Row) => r.id;\n',
  // policy doing I/O
  "lib/policy/io.ts": 'import { readFileSync } from "node:fs";\nexport const io = () => readFileSync("x");\n',
  // policy reaching the database client
  "lib/policy/q.ts": 'import { db } from "../db/client";\nexport const q = db;\n',
  "lib/db/schema/t.ts": "export type Row = { id: string };\n",
  "lib/db/client.ts": "export const db = {};\n",
  // the data layer reaching up into services
  "lib/db/queries/q.ts": 'import type { S } from "../../services/s";\nexport type Q = S;\n',
  // a service importing the HTTP layer
  "lib/services/s.ts": 'import { status } from "../api/errors";\nexport type S = { n: number };\nexport const s = status;\n',
  "lib/api/errors.ts": "export const status = 400;\n",
  // lib/domain importing the database client
  "lib/domain/d.ts": 'import { db } from "../db/client";\nimport type { Row } from "../db/schema/t";\nexport const d = (r: Row) => [db, r];\n',
  // a folder cycle with no module cycle: audit -> auth -> audit
  "lib/audit/x.ts": 'import { y } from "../auth/y";\nexport const x = y;\n',
  "lib/auth/y.ts": 'import { z } from "../audit/z";\nexport const y = z;\n',
  "lib/audit/z.ts": "export const z = 1;\n",
  // a browser component importing the data layer (type-only still counts)
  "components/c.tsx": 'import type { Q } from "../lib/db/queries/q";\nexport const C = (p: { q: Q }) => p.q;\n',
  // a service reaching for the process's runtime instead of taking what it needs
  "lib/runtime.ts": "export const getDb = () => ({});\n",
  "lib/services/r.ts": 'import { getDb } from "../runtime";\nexport const r = getDb;\n',
  // the caller's layer may take it
  "lib/api/w.ts": 'import { getDb } from "../runtime";\nexport const w = getDb;\n',
  // two service areas calling each other (no module cycle)
  "lib/services/one/a.ts": 'import { b } from "../two/b";\nexport const a = b;\n',
  "lib/services/two/b.ts": 'import { c } from "../one/c";\nexport const b = c;\n',
  "lib/services/one/c.ts": "export const c = 1;\n",
  // a route handler building SQL from the table definitions
  "app/r/route.ts": 'import type { Row } from "../../lib/db/schema/t";\nexport const GET = (r: Row) => r;\n',
  // the offline verifier on the pure chain and node's own modules: allowed; on the database client: not
  "lib/audit/chain.ts": "export const GENESIS_HASH = '0';\n",
  "sdk/audit/ok.ts": 'import { readFileSync } from "node:fs";\nimport { GENESIS_HASH } from "../../lib/audit/chain";\nexport const ok = [readFileSync, GENESIS_HASH];\n',
  "sdk/audit/bad.ts": 'import { db } from "../../lib/db/client";\nexport const bad = db;\n',
};

let dir = "";
type Violation = { from: string; to: string; rule: { name: string; severity: string } };
let violations: Violation[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "warden-layers-"));
  for (const [path, text] of Object.entries(FIXTURE)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // The two runs of `npm run lint:layers`: lib app components, then the verifier on its own.
  for (const roots of [["lib", "app", "components"], ["sdk/audit"]]) {
    const run = spawnSync(
      process.execPath,
      [
        "--require", join(repo, "scripts/depcruise-ts.cjs"),
        join(repo, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs"),
        "--config", join(repo, ".dependency-cruiser.cjs"),
        "--output-type", "json",
        ...roots,
      ],
      { cwd: dir, encoding: "utf8", timeout: 50_000 },
    );
    if (!run.stdout) throw new Error(`dependency-cruiser failed: ${run.stderr}`);
    violations.push(...JSON.parse(run.stdout).summary.violations);
  }
}, 100_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const found = (rule: string) => violations.filter((v) => v.rule.name === rule).map((v) => `${v.from} -> ${v.to}`);

describe("layer rules (.dependency-cruiser.cjs)", () => {
  it("reports a module cycle", () => {
    expect(found("no-circular")).toEqual(expect.arrayContaining(["lib/policy/a.ts -> lib/policy/b.ts"]));
  });

  it("reports a cycle between lib folders even when no module cycle closes it", () => {
    expect(found("no-folder-cycles").some((v) => v.includes("lib/audit") && v.includes("lib/auth"))).toBe(true);
  });

  it("reports a cycle between two service areas", () => {
    expect(found("no-service-folder-cycles").some((v) => v.includes("lib/services/one") && v.includes("lib/services/two"))).toBe(true);
  });

  it("reports each upward or sideways import, once, under its rule", () => {
    expect(found("policy-is-pure")).toEqual(["lib/policy/q.ts -> lib/db/client.ts"]);
    expect(found("policy-no-node-io")).toEqual(["lib/policy/io.ts -> fs"]);
    expect(found("db-below-services")).toEqual(["lib/db/queries/q.ts -> lib/services/s.ts"]);
    expect(found("services-below-api")).toEqual(["lib/services/s.ts -> lib/api/errors.ts"]);
    expect(found("domain-is-pure")).toEqual(["lib/domain/d.ts -> lib/db/client.ts"]);
    expect(found("browser-code-no-server-layers")).toEqual(["components/c.tsx -> lib/db/queries/q.ts"]);
    expect(found("routes-read-through-queries")).toEqual(["app/r/route.ts -> lib/db/schema/t.ts"]);
    expect(found("runtime-at-the-top")).toEqual(["lib/services/r.ts -> lib/runtime.ts"]);
    expect(found("verifier-stands-alone")).toEqual(["sdk/audit/bad.ts -> lib/db/client.ts"]);
  });

  it("allows what the layering allows: policy and domain may read table row types", () => {
    const all = violations.map((v) => `${v.from} -> ${v.to}`);
    expect(all).not.toContain("lib/policy/rows.ts -> lib/db/schema/t.ts");
    expect(all).not.toContain("lib/domain/d.ts -> lib/db/schema/t.ts");
  });
});
