// A session page in Chromium: a session with 10,000 tool calls opens (its first rows on screen)
// in how long, and how soon a new call appears on the open page after its decision is answered.
// Production server on a fresh Postgres database; Debian's chromium.
import { chromium } from "@playwright/test";
import { sql } from "drizzle-orm";
import { openDatabase, rows } from "../lib/db/client";
import { createAgent } from "../lib/services/agents/create";
import { issueAgentKey } from "../lib/services/agents/keys";
import { createPerson } from "../lib/services/people/create";
import { personCreateSchema } from "@/lib/domain/people/schemas";
import { ensureGuardrails } from "../lib/services/policies/guardrails";
import { Warden } from "../sdk";
import { freshDatabase, quantiles, startServer, type Server } from "./servers";

const CALLS = 10_000;

export async function benchSessionPage() {
  const database = await freshDatabase("warden_bench_page");
  let server: Server | undefined;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const h = await openDatabase({ kind: "postgres", url: database.url, poolSize: 2 });
    await ensureGuardrails(h.db);
    const system = { actor: { kind: "system" as const, label: "bench" } };
    await createPerson(h.db, system, personCreateSchema.parse({ email: "analyst@bench.local", name: "Bench Analyst", role: "analyst", password: "a long bench password" }));
    const agent = await createAgent(h.db, system, { name: "page-bot", identityKind: "key", team: "bench", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 86_400 } });
    const { secret } = await issueAgentKey(h.db, system, agent!.id, { name: "bench", expiresInDays: 1 });
    await h.close();

    server = await startServer(database.url, 3230);
    const warden = new Warden({ baseUrl: server.base, token: secret });
    const s = await warden.openSession({ goal: "a long session", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 86_400 });
    // 10,000 calls, written straight into the table (the decision path itself is benchmarked elsewhere).
    const db = await openDatabase({ kind: "postgres", url: database.url, poolSize: 1 });
    await db.db.execute(sql`
      insert into decisions (session_id, agent_id, connector, tool, operation, outcome, reasons, diff, created_at)
      select ${s.id}::uuid, ${agent!.id}::uuid, 'github', 'issues', case when i % 10 = 0 then 'close' else 'read' end,
             (case when i % 10 = 0 then 'escalate' else 'allow' end)::decision_outcome, '[]'::jsonb,
             case when i % 10 = 0 then '[{"field":"action","declared":["github:issues.read"],"actual":"github:issues.close"}]'::jsonb end,
             now() - (i * interval '1 second')
      from generate_series(1, ${CALLS}) i`);
    const [{ n }] = rows<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from decisions where session_id = ${s.id}`));
    await db.close();

    const context = await browser.newContext({ baseURL: server.base });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill("analyst@bench.local");
    await page.getByLabel("Password").fill("a long bench password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();

    const rowsOf = page.getByRole("list", { name: "Tool calls, newest first" }).locator("[role=listitem][data-outcome]");
    const open: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await page.goto(`/sessions/${s.id}`);
      await rowsOf.first().waitFor();
      open.push(performance.now() - t);
    }
    await page.getByText("Live: new calls appear as they are decided").waitFor({ timeout: 10_000 });
    const appear: number[] = [];
    for (let i = 0; i < 10; i++) {
      const marker = `repo:bench/${i}`;
      await warden.authorize(s.id, { connector: "github", tool: "issues", operation: "read", resource: marker });
      const t = performance.now(); // the answer is back: the decision is committed
      await page.getByText(marker, { exact: true }).waitFor({ timeout: 10_000 });
      appear.push(performance.now() - t);
    }
    const o = quantiles(open);
    const a = quantiles(appear);
    console.log(`\nSession page in Chromium (a session with ${n.toLocaleString("en-US")} calls; production server, Postgres)`);
    console.log("| measure | p50 ms | max ms |\n| --- | ---: | ---: |");
    console.log(`| open the page until its first rows are on screen (5 loads) | ${o.p50} | ${o.max} |`);
    console.log(`| decision answered → the call appears on the open page (10 calls) | ${a.p50} | ${a.max} |`);
  } finally {
    await browser.close();
    await server?.stop();
    await database.drop();
  }
}
