import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { expect, request, test } from "@playwright/test";
import pg from "pg";
import { person, stateFile } from "../helpers";
import { block, fill, freePort, readmeBlocks, ROOT, sh, signedIn, startScript, waitForHealth } from "../readme-examples";

// Every example in README.md, run as written: the block's own text, with the placeholders a
// reader fills in (a token, an id, a host) filled with real ones and localhost:3000 pointed at
// this suite's server. A block that another test already runs with the real tools names that
// test (which names the README section it follows); text that is not a command (sample answers,
// the layout) is checked for what it claims. A new or moved block fails the first test until
// it is given one of the three.

const RUN_HERE = [
  "Warden #1",
  "Running it for real #1",
  "Scripting the management API #1",
  "An agent in a few lines #1",
  "Putting the gateway in front of an MCP server #1",
  "Just-in-time credentials #1",
  "Escalations and approvals #1",
  "Layout #1",
];
const RUN_ELSEWHERE: Record<string, string> = {
  "When the database is unavailable #1": "tests/integration/database-outage.int.test.ts",
  "When the database is unavailable #2": "tests/integration/database-outage.int.test.ts",
  "Evidence that holds against the database's administrator #1": "tests/integration/audit-verifier.int.test.ts",
  "Postgres #1": "tests/integration/backup-restore.int.test.ts",
  "The embedded database #1": "tests/integration/backup-restore.int.test.ts",
  "A restore and the audit log #1": "tests/integration/backup-restore.int.test.ts",
};

const ADMIN_URL = process.env.WARDEN_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

test("every README example is run here or names the test that runs it", () => {
  const keys = readmeBlocks().map((b) => b.key);
  expect(keys.filter((k) => !RUN_HERE.includes(k) && !(k in RUN_ELSEWHERE)), "README blocks no test runs").toEqual([]);
  expect([...RUN_HERE, ...Object.keys(RUN_ELSEWHERE)].filter((k) => !keys.includes(k)), "examples listed here that the README no longer has").toEqual([]);
  for (const [key, file] of Object.entries(RUN_ELSEWHERE)) {
    const section = key.replace(/ #\d+$/, "");
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    // The test says which README section it follows; for a subsection, its parent's name will do.
    const parent = key.startsWith("Postgres") || key.startsWith("The embedded") || key.startsWith("A restore") ? "Backup and restore" : section;
    expect(text.includes(`README "${section}"`) || text.includes(`README "${parent}"`), `${file} names README "${section}"`).toBe(true);
  }
});

test("the two commands at the top: CI runs the test one, and the demo one starts Warden with the demo fleet", async () => {
  test.setTimeout(180_000);
  const [demo, tests] = block("Warden #1").text.split("\n");
  expect(tests).toMatch(/^npm ci && npm test\s+#/);
  // .ci/run is the test command on a clean checkout.
  const ci = fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8");
  expect(ci).toMatch(/^npm ci\b/m);
  expect(ci).toMatch(/^npm test$/m);
  // The demo command, after the npm ci this suite's checkout already had: a fresh data folder and a free port.
  const command = fill(demo.replace(/\s+#.*$/, ""), [["npm ci && ", ""]]);
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-readme-demo-"));
  const server = startScript(command, { env: { PORT: String(port), WARDEN_DATA_DIR: dataDir, DATABASE_URL: "" } });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, server);
    // The demo people of "Demo sign-in", and the fleet they see.
    const admin = await signedIn(base, person("admin").email, person("admin").password);
    const agents = await (await admin.get("/api/v1/agents?pageSize=200")).json();
    expect(agents.items.length).toBeGreaterThan(10);
    await admin.dispose();
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("Running it for real: npm start on Postgres with the first admin from the environment", async () => {
  test.setTimeout(120_000);
  const text = block("Running it for real #1").text;
  const [build, ...start] = text.split("\n");
  expect(build).toBe("npm ci && npm run build"); // this suite runs on that build
  const name = `warden_readme_${Date.now()}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const port = await freePort();
  const server = startScript(fill(start.join("\n"), [["postgres://warden@db.internal/warden", url.toString()], ["PORT=3000", `PORT=${port}`]]), {});
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, server);
    const secops = await signedIn(base, "secops@example.com", "a long passphrase");
    const me = await (await secops.get("/api/v1/me")).json();
    expect(me).toMatchObject({ email: "secops@example.com", role: "admin" });
    await secops.dispose();
  } finally {
    await server.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
});

test("Scripting the management API: a personal API token onboards an agent with curl", async ({ baseURL }) => {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const { token } = await (await analyst.post("/api/v1/tokens", { data: { name: "readme curl", expiresInDays: 1 } })).json();
  const unique = `release-notes-writer-${Date.now()}`; // the demo fleet already has release-notes-writer
  const text = fill(block("Scripting the management API #1").text, [
    ["wdn_pat_...", token],
    ["http://localhost:3000", baseURL!],
    ['"name": "release-notes-writer"', `"name": "${unique}"`],
    ["sa/release-notes-writer", `sa/${unique}`],
  ]);
  // Run up to the first answer, then the rest with the id it gave (the reader's <id>).
  const [first, rest] = text.split(/^# → 201 \{ "id".*$/m);
  const created = await sh(first);
  expect(created.code, created.stderr).toBe(0);
  const agent = JSON.parse(created.stdout);
  expect(agent).toMatchObject({ name: unique, identityKind: "spiffe", riskTier: "low" });
  const tokenLine = first.split("\n")[0];
  const keyed = await sh(`${tokenLine}\n${fill(rest, [["<id>", agent.id]])}`);
  expect(keyed.code, keyed.stderr).toBe(0);
  expect(JSON.parse(keyed.stdout).secret).toMatch(/^wdn_ak_/);
  await analyst.dispose();
});

/** A new agent with the envelope given, and its bootstrap key. */
async function agentWithKey(baseURL: string, prefix: string, envelope: Record<string, unknown>) {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL } });
  try {
    const created = await analyst.post("/api/v1/agents", { data: { name: `${prefix}-${Date.now()}`, identityKind: "key", team: "devex", riskTier: "medium", envelope } });
    expect(created.status()).toBe(201);
    const agent = await created.json();
    const { secret } = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: prefix, expiresInDays: 1 } })).json();
    return { id: agent.id as string, secret: secret as string };
  } finally {
    await analyst.dispose();
  }
}

async function sessionsOf(baseURL: string, agentId: string) {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst") });
  try {
    const list = await (await analyst.get(`/api/v1/sessions?agentId=${agentId}`)).json();
    return await Promise.all(list.items.map(async (s: { id: string }) => (await analyst.get(`/api/v1/sessions/${s.id}`)).json()));
  } finally {
    await analyst.dispose();
  }
}

/**
 * A TypeScript example saved at the repository's root (it imports "./sdk"), typechecked as a
 * reader's editor would (strict), then run with tsx as the README says.
 */
async function runTs(source: string, env: Record<string, string>) {
  const file = path.join(ROOT, `readme-example-${process.pid}-${Date.now()}.mts`);
  fs.writeFileSync(file, source);
  try {
    const name = JSON.stringify(path.basename(file));
    const checked = await sh(`npx tsc --ignoreConfig --noEmit --strict --skipLibCheck --target es2022 --module esnext --moduleResolution bundler --types node ${name}`);
    expect(checked.code, `the example does not typecheck:\n${checked.stdout}${checked.stderr}`).toBe(0);
    return await sh(`npx tsx ${name}`, { env });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

test("An agent in a few lines: the SDK example gets its allow, escalate and deny", async ({ baseURL }) => {
  test.setTimeout(120_000);
  // Registered for what the example declares, so its session opens without an approval.
  const agent = await agentWithKey(baseURL!, "readme-sdk", { actions: ["github:*", "email:*"], maxSensitivity: "internal", destinations: ["internal:*"], maxTtlSeconds: 3600 });
  const r = await runTs(fill(block("An agent in a few lines #1").text, [["http://localhost:3000", baseURL!]]), { WARDEN_KEY: agent.secret });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const [session] = await sessionsOf(baseURL!, agent.id);
  expect(session.session.status).toBe("ended");
  const outcomes = session.decisions.map((d: { outcome: string }) => d.outcome).sort();
  expect(outcomes).toEqual(["allow", "deny", "escalate"]);
  const deny = session.decisions.find((d: { outcome: string }) => d.outcome === "deny");
  expect(JSON.stringify(deny.reasons)).toContain("policy.forbid");
});

test("Just-in-time credentials: the example requests one and gives it back", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const agent = await agentWithKey(baseURL!, "readme-jit", { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 });
  // The example continues the agent above: a client and an open session before it, as there.
  const source = [
    'import { Warden } from "./sdk";',
    `const warden = new Warden({ baseUrl: ${JSON.stringify(baseURL)}, token: process.env.WARDEN_KEY! });`,
    'const session = await warden.openSession({ goal: "Triage new bug reports", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 900 });',
    block("Just-in-time credentials #1").text,
    "console.log(JSON.stringify({ id: c.credential.id }));",
  ].join("\n");
  const r = await runTs(source, { WARDEN_KEY: agent.secret });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const { id } = JSON.parse(r.stdout.trim().split("\n").pop()!);
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst") });
  const credential = await (await analyst.get(`/api/v1/credentials/${id}`)).json();
  expect(JSON.stringify(credential)).toMatch(/"status":"revoked"/);
  await analyst.dispose();
});

test("Escalations and approvals: an approver's token approves with curl", async ({ baseURL }) => {
  const agent = await agentWithKey(baseURL!, "readme-approve", { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 });
  const headers = { authorization: `Bearer ${agent.secret}` };
  const machine = await request.newContext({ baseURL, extraHTTPHeaders: headers });
  const session = await (await machine.post("/api/v1/sessions", { data: { intent: { goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 } } })).json();
  const asked = await (await machine.post("/api/v1/authorize", { data: { sessionId: session.id, action: { connector: "github", tool: "issues", operation: "label" } } })).json();
  expect(asked.decision).toBe("escalate");
  const approver = await request.newContext({ baseURL, storageState: stateFile("approver"), extraHTTPHeaders: { origin: baseURL! } });
  const { token } = await (await approver.post("/api/v1/tokens", { data: { name: "readme approve", expiresInDays: 1 } })).json();
  const r = await sh(fill(block("Escalations and approvals #1").text, [["http://localhost:3000", baseURL!]]), { env: { WARDEN_TOKEN: token, ID: asked.escalationId } });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ escalation: { status: "approved", approvals: 1, requiredApprovals: 1 }, grant: { scope: "once" } });
  await approver.dispose();
  await machine.dispose();
});

test("Putting the gateway in front of an MCP server: the command serves the filesystem server's tools through Warden", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  // The server's name is the connector (README: by default); registered, so calls are decided, not escalated as unmanaged.
  const existing = await (await analyst.get("/api/v1/connectors?q=filesystem")).json();
  if (!existing.items.some((c: { name: string }) => c.name === "filesystem")) {
    const made = await analyst.post("/api/v1/connectors", {
      data: { name: "filesystem", displayName: "Files", kind: "other", sensitivity: "internal", tools: [{ name: "read_text_file", operations: [{ name: "call", access: "read" }] }, { name: "list_directory", operations: [{ name: "call", access: "read" }] }] },
    });
    expect(made.status(), await made.text()).toBe(201);
  }
  await analyst.dispose();
  const agent = await agentWithKey(baseURL!, "readme-gateway", { actions: ["filesystem:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-readme-gw-"));
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(data, "report.txt"), "Q3 revenue up 4%\n");
  // intent.json as the README describes it, beside the data.
  fs.writeFileSync(path.join(dir, "intent.json"), JSON.stringify({ goal: "Summarise the reports", actions: ["filesystem:read_text_file.call", "filesystem:list_*.call"], maxSensitivity: "internal", ttlSeconds: 3600 }));
  const command = fill(block("Putting the gateway in front of an MCP server #1").text, [
    ["http://localhost:3000", baseURL!],
    ["wdn_ak_…", agent.secret],
    ["--intent intent.json", `--intent ${path.join(dir, "intent.json")}`],
    ["/srv/data", data],
  ]);
  const client = new Client({ name: "readme-test", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command: "bash", args: ["-c", command], cwd: ROOT, env: { ...(process.env as Record<string, string>) }, stderr: "pipe" }));
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain("read_text_file");
    expect(tools).not.toContain("write_file"); // outside the intent's actions
    const read = await client.callTool({ name: "read_text_file", arguments: { path: path.join(data, "report.txt") } });
    expect(JSON.stringify(read.content)).toContain("Q3 revenue up 4%");
  } finally {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const [session] = await sessionsOf(baseURL!, agent.id);
  expect(session.decisions.map((d: { outcome: string }) => d.outcome)).toEqual(["allow"]);
});

test("Layout: every path the README lists exists in a clone", () => {
  // Two columns of "path   what it is"; a path cell may name two ("server.ts, lib/server") or a
  // kind of folder ("app/api/v1/<resource>": the folder above it).
  const listed = block("Layout #1")
    .text.split("\n")
    .flatMap((line) => line.trim().split(/\s{2,}/).filter((_, i) => i % 2 === 0))
    .flatMap((cell) => cell.split(", "))
    .map((p) => p.replace(/<[^>]+>.*$/, "").replace(/\/$/, ""))
    .filter(Boolean);
  expect(listed.length).toBeGreaterThan(15);
  for (const p of listed) expect(fs.existsSync(path.join(ROOT, p)), p).toBe(true);
});

test("the README links only to files a clone has", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
  for (const l of links) expect(fs.existsSync(path.join(ROOT, l)), l).toBe(true);
  expect(readme).not.toContain("../");
});
