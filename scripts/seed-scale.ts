/**
 * Bulk-inserts large synthetic inventories so the list pages can be benchmarked at 100k rows:
 *
 *   npx tsx scripts/seed-scale.ts --url postgres://localhost/warden_bench \
 *     --agents 100000 --credentials 100000 --connectors 100000 [--batch 10000] [--force]
 *
 * Rows are generated inside Postgres (INSERT ... SELECT generate_series), one batch per
 * statement, with names that are unique per run and teams / tiers / kinds / statuses spread so
 * that every list filter is selective. Applies migrations first. Refuses to touch a database
 * whose name does not contain "bench" or "test" unless --force is given.
 */
import { Client } from "pg";
import { openDatabase } from "../lib/db/client";

type Args = { url: string; agents: number; credentials: number; connectors: number; batch: number; force: boolean };

function parseArgs(argv: string[]): Args {
  const out: Args = { url: process.env.DATABASE_URL ?? "", agents: 0, credentials: 0, connectors: 0, batch: 10_000, force: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--url": out.url = value(); break;
      case "--agents": out.agents = count(flag, value()); break;
      case "--credentials": out.credentials = count(flag, value()); break;
      case "--connectors": out.connectors = count(flag, value()); break;
      case "--batch": out.batch = Math.max(1, count(flag, value())); break;
      case "--force": out.force = true; break;
      case "--help": case "-h": usage(0); break;
      default: console.error(`unknown argument: ${argv[i]}`); usage(2);
    }
  }
  if (!out.url) { console.error("--url (or DATABASE_URL) is required"); usage(2); }
  if (!out.agents && !out.credentials && !out.connectors) { console.error("nothing to do: give --agents, --credentials and/or --connectors"); usage(2); }
  return out;
}

function count(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 10_000_000) { console.error(`${flag} needs a whole number (0..10,000,000), got ${v}`); process.exit(2); }
  return n;
}

function usage(code: number): never {
  console.error("usage: npx tsx scripts/seed-scale.ts --url postgres://... [--agents N] [--credentials N] [--connectors N] [--batch N] [--force]");
  process.exit(code);
}

/** The database name must say it is disposable: a typo in --url must not fill production. */
function checkTarget(url: string, force: boolean): string {
  let name: string;
  try {
    const u = new URL(url);
    if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error(`not a postgres URL (${u.protocol})`);
    name = decodeURIComponent(u.pathname.replace(/^\//, "")) || u.username || "postgres";
  } catch (err) {
    throw new Error(`cannot read --url: ${(err as Error).message}`);
  }
  if (!/bench|test/i.test(name) && !force) {
    throw new Error(`refusing to write synthetic rows into database "${name}": its name contains neither "bench" nor "test" (use --force if you mean it)`);
  }
  return name;
}

const TEAMS = [
  "platform", "support", "finance", "sales-ops", "security", "data", "devex", "payments", "risk", "fraud", "compliance", "legal",
  "growth", "marketing", "hr", "it", "procurement", "treasury", "billing", "identity", "mobile", "web", "search", "ml-platform",
  "sre", "networking", "storage", "observability", "partnerships", "customer-success", "onboarding", "lending", "cards", "ledger",
  "reporting", "analytics", "design", "qa", "release", "docs",
];
const NOUNS = ["triage", "reconciler", "summarizer", "enricher", "reviewer", "scanner", "router", "drafter", "auditor", "watcher", "copilot", "classifier", "notifier", "planner", "extractor"];
const VENDORS = ["github", "gitlab", "slack", "teams", "salesforce", "hubspot", "zendesk", "jira", "linear", "notion", "confluence", "pagerduty", "datadog", "sentry", "stripe", "snowflake", "bigquery", "postgres", "mysql", "s3", "gcs", "sendgrid", "twilio", "okta", "workday"];

async function timed(label: string, total: number, batch: number, run: (from: number, to: number) => Promise<void>) {
  if (!total) return;
  const t0 = Date.now();
  for (let from = 1; from <= total; from += batch) {
    const to = Math.min(total, from + batch - 1);
    await run(from, to);
    const secs = (Date.now() - t0) / 1000;
    process.stdout.write(`\r${label.padEnd(12)} ${to.toLocaleString("en").padStart(11)} / ${total.toLocaleString("en")}  ${secs.toFixed(1)} s  ${Math.round(to / Math.max(secs, 0.001)).toLocaleString("en")} rows/s   `);
  }
  process.stdout.write("\n");
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dbName = checkTarget(args.url, args.force);
  console.log(`[seed-scale] target database "${dbName}"; applying migrations`);
  const handle = await openDatabase({ kind: "postgres", url: args.url, poolSize: 2 }); // migrations hold one connection for the lock and use another
  await handle.close();

  const client = new Client({ connectionString: args.url });
  await client.connect();
  // One tag per run keeps names and identities unique when the script is run again.
  const tag = Date.now().toString(36);
  const owners = (await client.query<{ id: string }>("select id from users order by created_at")).rows.map((r) => r.id);
  console.log(`[seed-scale] run tag ${tag}; ${owners.length} existing people become owners`);

  // h is a stable pseudo-random number per row; the CASEs turn it into skewed distributions.
  await timed("connectors", args.connectors, args.batch, async (from, to) => {
    await client.query(
      `insert into connectors (name, display_name, kind, managed, sensitivity, environment, owner_id, owner_team, description, endpoint,
                               first_seen_at, last_seen_at, created_at, updated_at)
       select v.vendor || '-' || $3 || '-' || g,
              initcap(v.vendor) || ' ' || g,
              (array['mcp_server','saas_api','database','object_storage','messaging','internal_api','other'])[1 + h % 7]::connector_kind,
              (h / 7) % 20 <> 0,
              (case when (h / 140) % 100 < 20 then 'public' when (h / 140) % 100 < 60 then 'internal'
                    when (h / 140) % 100 < 90 then 'confidential' else 'restricted' end)::sensitivity,
              (array['production','production','staging','development'])[1 + (h / 14000) % 4],
              case when (h / 7) % 20 = 0 then null else ($5::uuid[])[1 + (h / 56000) % greatest(cardinality($5::uuid[]), 1)] end,
              case when (h / 7) % 20 = 0 then null else ($4::text[])[1 + (h / 3) % cardinality($4::text[])] end,
              'Synthetic connector for list benchmarks',
              'https://' || v.vendor || '.bench.example/api/' || g,
              case when (h / 7) % 20 = 0 then now() - make_interval(days => h % 90) end,
              case when (h / 7) % 20 = 0 then now() - make_interval(hours => h % 24) end,
              now() - make_interval(days => h % 730) - make_interval(secs => h % 86400),
              now() - make_interval(days => h % 30)
       from (select g, (abs(hashtext($3 || ':c:' || g)::bigint) % 2147483647)::int as h from generate_series($1::int, $2::int) g) s
       cross join lateral (select ($6::text[])[1 + s.h % cardinality($6::text[])] as vendor) v`,
      [from, to, tag, TEAMS, owners, VENDORS],
    );
  });

  await timed("agents", args.agents, args.batch, async (from, to) => {
    await client.query(
      `insert into agents (name, identity, identity_kind, team, owner_id, purpose, risk_tier, status, status_reason, status_changed_at,
                           envelope, labels, last_seen_at, created_at, updated_at)
       select t.team || '-' || t.noun || '-' || $3 || '-' || g,
              case when h % 10 = 0 then 'repo:acme-bench/' || t.team || '-' || $3 || '-' || g || ':ref:refs/heads/main'
                   else 'spiffe://bench.internal/ns/' || t.team || '/sa/' || t.noun || '-' || $3 || '-' || g end,
              (case when h % 10 = 0 then 'oidc' else 'spiffe' end)::identity_kind,
              t.team,
              ($5::uuid[])[1 + (h / 13) % greatest(cardinality($5::uuid[]), 1)],
              'Synthetic ' || t.noun || ' agent for the ' || t.team || ' team',
              (case when (h / 10) % 100 < 50 then 'low' when (h / 10) % 100 < 85 then 'medium' else 'high' end)::risk_tier,
              (case when (h / 1000) % 100 < 90 then 'active' when (h / 1000) % 100 < 97 then 'quarantined' else 'retired' end)::agent_status,
              case when (h / 1000) % 100 >= 90 then 'bench: synthetic status change' end,
              case when (h / 1000) % 100 >= 90 then now() - make_interval(days => h % 60) end,
              jsonb_build_object('actions', jsonb_build_array(t.team || ':*.read'), 'maxSensitivity',
                                 (array['public','internal','confidential','restricted'])[1 + (h / 7) % 4], 'maxTtlSeconds', 3600),
              jsonb_build_object('bench', $3),
              case when h % 5 <> 0 then now() - make_interval(mins => h % 10080) end,
              now() - make_interval(days => h % 730) - make_interval(secs => h % 86400),
              now() - make_interval(days => h % 30)
       from (select g, (abs(hashtext($3 || ':a:' || g)::bigint) % 2147483647)::int as h from generate_series($1::int, $2::int) g) s
       cross join lateral (select ($4::text[])[1 + s.h % cardinality($4::text[])] as team,
                                  ($6::text[])[1 + (s.h / 40) % cardinality($6::text[])] as noun) t`,
      [from, to, tag, TEAMS, owners, NOUNS],
    );
  });

  if (args.credentials) {
    // Credentials need owners: spread them over (a sample of) the agents and connectors there are.
    await client.query(`create temp table bench_agents as select row_number() over () as n, id from (select id from agents order by created_at desc limit 200000) a`);
    await client.query(`create temp table bench_connectors as select row_number() over () as n, id from (select id from connectors order by created_at desc limit 200000) c`);
    const [{ na, nc }] = (await client.query<{ na: number; nc: number }>(
      `select (select count(*) from bench_agents)::int as na, (select count(*) from bench_connectors)::int as nc`,
    )).rows;
    if (!na) throw new Error("credentials need at least one agent: add --agents");
    await timed("credentials", args.credentials, args.batch, async (from, to) => {
      await client.query(
        `insert into credentials (kind, name, agent_id, connector_id, jit, scope, secret_hash, prefix, issued_at, expires_at, last_used_at,
                                  revoked_at, revoked_by_kind, revoke_reason, metadata, created_at)
         select k.kind::credential_kind,
                k.kind || ' ' || $3 || '-' || g,
                a.id,
                case when k.kind = 'bootstrap_key' or $5::int = 0 then null else c.id end,
                k.kind in ('database_role') or (k.kind = 'oauth_token' and h % 2 = 0),
                '{}'::jsonb,
                case when k.kind in ('bootstrap_key','database_role') then encode(sha256(convert_to($3 || ':k:' || g, 'UTF8')), 'hex') end,
                case when k.kind = 'bootstrap_key' then 'wdn_ak_' else 'bench_' end || substr(md5($3 || g), 1, 7),
                i.issued,
                case when (h / 9) % 4 = 0 then null else i.issued + make_interval(days => (h / 36) % 400) end,
                case when h % 6 <> 0 then least(now(), i.issued + make_interval(hours => h % 200)) end,
                case when (h / 11) % 10 < 3 then least(now(), i.issued + make_interval(hours => h % 96)) end,
                case when (h / 11) % 10 < 3 then 'system' end,
                case when (h / 11) % 10 < 3 then 'bench: synthetic revocation' end,
                jsonb_build_object('bench', $3),
                i.issued
         from (select g, (abs(hashtext($3 || ':k:' || g)::bigint) % 2147483647)::int as h from generate_series($1::int, $2::int) g) s
         cross join lateral (select (array['bootstrap_key','api_key','oauth_token','database_role','cloud_key','ssh_key','other'])[1 + s.h % 7] as kind) k
         cross join lateral (select now() - make_interval(days => s.h % 720) - make_interval(secs => s.h % 86400) as issued) i
         join bench_agents a on a.n = 1 + (s.h / 7) % $4
         left join bench_connectors c on c.n = 1 + (s.h / 13) % greatest($5::int, 1)`,
        [from, to, tag, na, nc],
      );
    });
  }

  console.log("[seed-scale] analyze");
  await client.query("analyze agents; analyze connectors; analyze credentials");
  const totals = (await client.query(
    "select (select count(*) from agents)::int as agents, (select count(*) from connectors)::int as connectors, (select count(*) from credentials)::int as credentials",
  )).rows[0];
  console.log("[seed-scale] totals now", totals);
  await client.end();
}

main().catch((err) => {
  console.error(`[seed-scale] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
