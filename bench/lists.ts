// Inventory lists at 100,000 rows: seeds a fresh local Postgres database with 100k agents,
// 100k connectors and 100k credentials (scripts/seed-scale.ts), then times the same query
// functions the API and pages use, for typical list views. Prints p50 / p95 per scenario.
import { spawnSync } from "node:child_process";
import pg from "pg";
import { sql } from "drizzle-orm";
import { openDatabase, type Db } from "../lib/db/client";
import { listAgents } from "../lib/db/queries/agents";
import { listConnectors } from "../lib/db/queries/connectors";
import { listCredentials } from "../lib/db/queries/credentials";
import { agentListSchema } from "@/lib/domain/agents/schemas";
import { connectorListSchema } from "@/lib/domain/connectors/schemas";
import { credentialListSchema } from "@/lib/domain/credentials/schemas";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const admin = process.env.WARDEN_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function time(fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { p50: pct(xs, 50), p95: pct(xs, 95) };
}

export async function benchLists() {
  const name = `warden_bench_lists_${Date.now()}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const h = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 4 });
  const results: { list: string; scenario: string; p50: number; p95: number; total: number }[] = [];
  try {
    const t0 = Date.now();
    const seed = spawnSync(
      "npx",
      ["tsx", "scripts/seed-scale.ts", "--url", url.toString(), "--agents", String(ROWS), "--connectors", String(ROWS), "--credentials", String(ROWS)],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    if (seed.status !== 0) throw new Error("seed-scale failed");
    // What autovacuum would have done by now on a live system (visibility map for index-only scans).
    await h.db.execute(sql`vacuum analyze`);
    console.log(`seeded ${ROWS.toLocaleString()} rows per list in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const db: Db = h.db;
    const run = async <Q, R extends { total: number }>(list: string, scenario: string, fn: (db: Db, q: Q) => Promise<R>, q: Q) => {
      const r = await fn(db, q);
      const t = await time(() => fn(db, q));
      results.push({ list, scenario, ...t, total: r.total });
    };
    const A = (o: object) => agentListSchema.parse(o);
    await run("agents", "first page, default sort", listAgents, A({}));
    await run("agents", "search 'auditor-1234'", listAgents, A({ q: "auditor-1234" }));
    await run("agents", "filter status + tier", listAgents, A({ status: "quarantined", riskTier: "high" }));
    await run("agents", "sort last seen desc", listAgents, A({ sort: "lastSeenAt", dir: "desc" }));
    await run("agents", "filter team, sort last seen, page 20", listAgents, A({ team: "docs", sort: "lastSeenAt", dir: "desc", page: 20 }));
    await run("agents", "page 1,000 (offset 50k)", listAgents, A({ page: 1000 }));
    const C = (o: object) => connectorListSchema.parse(o);
    await run("connectors", "first page, default sort", listConnectors, C({}));
    await run("connectors", "search 'slack-'", listConnectors, C({ q: "slack-" }));
    await run("connectors", "filter unmanaged", listConnectors, C({ managed: "false" }));
    await run("connectors", "page 1,000 (offset 50k)", listConnectors, C({ page: 1000 }));
    const K = (o: object) => credentialListSchema.parse(o);
    await run("credentials", "first page (newest)", listCredentials, K({}));
    await run("credentials", "search prefix 'bench_0bf'", listCredentials, K({ q: "bench_0bf" }));
    await run("credentials", "filter active standing", listCredentials, K({ status: "active", jit: "false" }));
    await run("credentials", "sort expires asc", listCredentials, K({ sort: "expiresAt", dir: "asc" }));
    await run("credentials", "sort last used desc", listCredentials, K({ sort: "lastUsedAt", dir: "desc" }));
    await run("credentials", "search agent name 'finance-'", listCredentials, K({ q: "finance-" }));
    await run("credentials", "page 1,000 (offset 50k)", listCredentials, K({ page: 1000 }));
  } finally {
    await h.close();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
  console.log(`\nInventory lists at ${ROWS.toLocaleString()} rows (query + count, ${RUNS} runs each, Postgres ${process.env.PGVERSION ?? "local"})`);
  console.log("| list | scenario | matching rows | p50 ms | p95 ms |\n| --- | --- | ---: | ---: | ---: |");
  for (const r of results) console.log(`| ${r.list} | ${r.scenario} | ${r.total.toLocaleString()} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`);
  return results;
}
