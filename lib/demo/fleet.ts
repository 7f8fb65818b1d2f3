import type { Envelope } from "@/lib/db/schema/agents";
import type { ToolOperation } from "@/lib/db/schema/connectors";
import type { roleEnum } from "@/lib/db/schema/enums";

// The demo company ("Acme", a fintech-ish payments business): the people, connectors and agents
// the seeder writes, plus the tasks each agent runs and the ways each one tends to drift. Pure
// data and a seeded PRNG: the same seed always yields the same fleet and the same history.

export type Role = (typeof roleEnum.enumValues)[number];
export type Sensitivity = Envelope["maxSensitivity"];
export type Tier = "low" | "medium" | "high";

export const TRUST_DOMAIN = "acme.internal";
export const DEFAULT_SEED = 0x5741_5244;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness (mulberry32). Never Math.random: a demo must look the same each time.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = ReturnType<typeof createRng>;

export function createRng(seed = DEFAULT_SEED) {
  const next = mulberry32(seed);
  const rng = {
    next,
    /** integer in [min, max] inclusive */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    weighted: <T>(items: readonly T[], weight: (t: T) => number): T => {
      const total = items.reduce((s, t) => s + weight(t), 0);
      let r = next() * total;
      for (const t of items) {
        r -= weight(t);
        if (r < 0) return t;
      }
      return items[items.length - 1];
    },
    hex: (len: number) => Array.from({ length: len }, () => "0123456789abcdef"[Math.floor(next() * 16)]).join(""),
    alnum: (len: number) =>
      Array.from({ length: len }, () => "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"[Math.floor(next() * 57)]).join(""),
  };
  return rng;
}

// Template fill-ins for goals, resources and argument previews: "{repo}#{n4}" -> "acme/ledger#4821".
const VOCAB: Record<string, (r: Rng) => string> = {
  repo: (r) => r.pick(["acme/payments-api", "acme/ledger", "acme/web-app", "acme/mobile", "acme/infra", "acme/risk-engine"]),
  n3: (r) => String(r.int(100, 999)),
  n4: (r) => String(r.int(1000, 9999)),
  n5: (r) => String(r.int(10000, 99999)),
  sup: (r) => `SUP-${r.int(18000, 24999)}`,
  inc: (r) => `INC-${r.int(2200, 2399)}`,
  sec: (r) => `SEC-${r.int(300, 699)}`,
  fin: (r) => `FIN-${r.int(1100, 1999)}`,
  cus: (r) => `cus_${r.alnum(10)}`,
  pay: (r) => `pay_${r.alnum(12)}`,
  inv: (r) => `inv_2026_${r.int(10000, 99999)}`,
  acct: (r) => r.pick(["Globex", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Capital", "Soylent Foods", "Hooli", "Vandelay Imports"]),
  channel: (r) => r.pick(["#support-escalations", "#inc-bridge", "#eng-releases", "#finance-close", "#sales-ops", "#sec-alerts", "#data-requests"]),
  service: (r) => r.pick(["payments-api", "ledger", "checkout", "risk-engine", "webhooks", "auth"]),
  month: (r) => r.pick(["2026-01", "2026-02", "2026-03"]),
  prospect: (r) => `${r.pick(["dana", "miguel", "priya", "tom", "yuki"])}@${r.pick(["globex", "initech", "hooli", "vandelay"])}.example`,
  person: (r) => `${r.pick(["jane.doe", "li.wei", "omar.haddad", "sofia.rossi", "ken.tanaka", "amara.okafor"])}@acme.example`,
  version: (r) => `v${r.int(3, 4)}.${r.int(0, 19)}.${r.int(0, 9)}`,
};

export function fill(template: string, rng: Rng): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (VOCAB[key] ? VOCAB[key](rng) : m));
}

export function fillDeep(value: unknown, rng: Rng): unknown {
  if (typeof value === "string") return fill(value, rng);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, rng));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, rng)]));
  return value;
}

// ---------------------------------------------------------------------------------------------
// People

/**
 * One key per demo person. The first of each role is keyed by the role itself, so
 * `person("approver")` and `demoPassword("approver")` mean what they always meant; a second
 * approver exists so that high-risk escalations (two different approvers) and agents owned by an
 * approver (who may not decide for them) can both be shown.
 */
export type DemoPersonKey = Role | "approver2";
export type DemoPerson = { key: DemoPersonKey; role: Role; email: string; name: string };

export const DEMO_PEOPLE: DemoPerson[] = [
  { key: "admin", role: "admin", email: "admin@warden.local", name: "Ada Admin" },
  { key: "analyst", role: "analyst", email: "analyst@warden.local", name: "Andy Analyst" },
  { key: "approver", role: "approver", email: "approver@warden.local", name: "April Approver" },
  { key: "approver2", role: "approver", email: "approver2@warden.local", name: "Avery Approver" },
  { key: "auditor", role: "auditor", email: "auditor@warden.local", name: "Aubrey Auditor" },
];

/** A demo person's password, by key (a role names the first person with that role). */
export const demoPassword = (key: DemoPersonKey) => `warden-${key}-demo`;

// ---------------------------------------------------------------------------------------------
// Connectors

export type DemoTool = { name: string; description: string; operations: ToolOperation[]; sensitivity?: Sensitivity };

export type DemoConnector = {
  name: string;
  displayName: string;
  kind: "mcp_server" | "saas_api" | "database" | "object_storage" | "messaging" | "internal_api" | "other";
  managed: boolean;
  sensitivity: Sensitivity;
  environment: string;
  ownerRole: Role | null;
  ownerTeam: string | null;
  description: string;
  endpoint: string;
  createdDaysAgo: number;
  tools: DemoTool[];
};

const r = (name: string): ToolOperation => ({ name, access: "read" });
const w = (name: string): ToolOperation => ({ name, access: "write" });
const d = (name: string): ToolOperation => ({ name, access: "delete" });
const a = (name: string): ToolOperation => ({ name, access: "admin" });

export const CONNECTORS: DemoConnector[] = [
  {
    name: "github", displayName: "GitHub", kind: "saas_api", managed: true, sensitivity: "internal", environment: "production",
    ownerRole: "admin", ownerTeam: "devex", endpoint: "https://api.github.com", createdDaysAgo: 410,
    description: "GitHub Enterprise Cloud org acme-corp: source, pull requests, issues and CI.",
    tools: [
      { name: "issues", description: "Issues and issue comments", operations: [r("read"), w("write")] },
      { name: "pulls", description: "Pull requests, reviews and merges", operations: [r("read"), w("write"), w("merge")] },
      { name: "repo", description: "Repository contents, branches and settings", operations: [r("read"), w("push"), a("admin")], sensitivity: "confidential" },
      { name: "actions", description: "GitHub Actions workflow runs and logs", operations: [r("read"), w("rerun"), w("dispatch")] },
    ],
  },
  {
    name: "slack", displayName: "Slack", kind: "messaging", managed: true, sensitivity: "internal", environment: "production",
    ownerRole: "admin", ownerTeam: "platform", endpoint: "https://slack.com/api", createdDaysAgo: 405,
    description: "Acme Slack workspace. Bots post to public channels only; DMs to customers are not allowed.",
    tools: [
      { name: "chat", description: "Post and update messages", operations: [w("post"), w("update")] },
      { name: "channels", description: "Channel list and history", operations: [r("read"), r("history")] },
      { name: "users", description: "Directory lookups", operations: [r("read")] },
    ],
  },
  {
    name: "salesforce", displayName: "Salesforce CRM", kind: "saas_api", managed: true, sensitivity: "confidential", environment: "production",
    ownerRole: "approver", ownerTeam: "sales-ops", endpoint: "https://acme.my.salesforce.com/services/data/v61.0", createdDaysAgo: 380,
    description: "System of record for customers and pipeline. Contact records hold names, emails and phone numbers.",
    tools: [
      { name: "contacts", description: "Customer and prospect contacts (PII)", operations: [r("read"), w("update"), d("delete")] },
      { name: "opportunities", description: "Pipeline and forecast", operations: [r("read"), w("update")] },
      { name: "accounts", description: "Company accounts", operations: [r("read"), w("update"), a("merge")] },
    ],
  },
  {
    name: "prod-postgres", displayName: "Production Postgres (billing)", kind: "database", managed: true, sensitivity: "restricted", environment: "production",
    ownerRole: "admin", ownerTeam: "platform", endpoint: "postgres://prod-billing-db.acme.internal:5432/acme", createdDaysAgo: 360,
    description: "Billing primary. Card tokens, payment history and customer PII; agents get per-session read roles only.",
    tools: [
      { name: "customers", description: "Customer profiles (PII)", operations: [r("select"), w("insert"), w("update"), d("delete")] },
      { name: "payments", description: "Payment transactions", operations: [r("select"), w("insert"), w("update"), d("delete")] },
      { name: "invoices", description: "Issued invoices", operations: [r("select"), w("update")], sensitivity: "confidential" },
      { name: "refunds", description: "Refund requests and status", operations: [r("select"), w("insert")] },
    ],
  },
  {
    name: "s3-data-lake", displayName: "S3 data lake", kind: "object_storage", managed: true, sensitivity: "confidential", environment: "production",
    ownerRole: "analyst", ownerTeam: "data", endpoint: "s3://acme-data-lake-prod (eu-west-1)", createdDaysAgo: 300,
    description: "Curated exports, finance receipts and model features. Raw PII lives under /restricted and needs the data team's sign-off.",
    tools: [
      { name: "objects", description: "Read, write and delete objects", operations: [r("get"), w("put"), d("delete")] },
      { name: "buckets", description: "List buckets and prefixes", operations: [r("list")], sensitivity: "internal" },
    ],
  },
  {
    name: "email", displayName: "Email (SendGrid)", kind: "messaging", managed: true, sensitivity: "internal", environment: "production",
    ownerRole: "admin", ownerTeam: "platform", endpoint: "https://api.sendgrid.com/v3", createdDaysAgo: 290,
    description: "Transactional and outbound email from noreply@acme.example and sales@acme.example.",
    tools: [
      { name: "mail", description: "Send a message", operations: [w("send")] },
      { name: "templates", description: "Email templates", operations: [r("read"), w("update")] },
      { name: "suppressions", description: "Bounce and unsubscribe lists", operations: [r("read"), w("write")] },
    ],
  },
  {
    name: "jira", displayName: "Jira", kind: "saas_api", managed: true, sensitivity: "internal", environment: "production",
    ownerRole: "admin", ownerTeam: "devex", endpoint: "https://acme.atlassian.net", createdDaysAgo: 400,
    description: "Tickets for support (SUP), security (SEC), finance (FIN) and engineering projects.",
    tools: [
      { name: "issues", description: "Create, update and transition tickets", operations: [r("read"), w("create"), w("update"), w("transition")] },
      { name: "comments", description: "Ticket comments", operations: [r("read"), w("write")] },
      { name: "projects", description: "Project metadata", operations: [r("read")] },
    ],
  },
  {
    name: "pagerduty", displayName: "PagerDuty (incident gateway)", kind: "internal_api", managed: true, sensitivity: "internal", environment: "production",
    ownerRole: "analyst", ownerTeam: "platform", endpoint: "https://incident-gw.acme.internal/pagerduty", createdDaysAgo: 250,
    description: "PagerDuty through the internal incident gateway, which adds the on-call context.",
    tools: [
      { name: "incidents", description: "Incidents and notes", operations: [r("read"), w("acknowledge"), w("note"), w("resolve")] },
      { name: "schedules", description: "On-call schedules", operations: [r("read")] },
    ],
  },
  {
    name: "datadog", displayName: "Datadog", kind: "saas_api", managed: true, sensitivity: "internal", environment: "production",
    ownerRole: "analyst", ownerTeam: "platform", endpoint: "https://api.datadoghq.eu", createdDaysAgo: 240,
    description: "Metrics, logs and monitors. Logs can contain customer identifiers, so log search is confidential.",
    tools: [
      { name: "metrics", description: "Metric queries", operations: [r("query")] },
      { name: "logs", description: "Log search", operations: [r("search")], sensitivity: "confidential" },
      { name: "monitors", description: "Monitors and downtimes", operations: [r("read"), w("mute")] },
    ],
  },
  {
    name: "pastebin-mcp", displayName: "pastebin-mcp", kind: "mcp_server", managed: false, sensitivity: "public", environment: "unknown",
    ownerRole: null, ownerTeam: null, endpoint: "stdio: npx -y pastebin-mcp@0.4.2", createdDaysAgo: 0,
    description: "First seen in a tool call; nobody registered it. Publishes text to a public paste site.",
    tools: [{ name: "paste", description: "Discovered from tool calls", operations: [w("create")] }],
  },
];

// ---------------------------------------------------------------------------------------------
// Agents, their tasks and their failure modes

/** One kind of tool call: `call` is connector:tool.operation; strings may hold {fill-ins}. */
export type StepDef = {
  call: string;
  resource?: string;
  sensitivity?: Sensitivity;
  destination?: string;
  args?: Record<string, unknown>;
  weight?: number;
};

/** An out-of-intent call the agent sometimes makes; `forbid` names the guardrail that blocks it. */
export type DeviationDef = StepDef & { forbid?: string };

export type TaskDef = {
  goal: string;
  actions: string[];
  maxSensitivity: Sensitivity;
  destinations?: string[];
  resources?: string[];
  ttlSeconds: number;
  steps: StepDef[];
  /** per-session credential the agent asks for at the start */
  jit?: { connector: string; kind: "database_role" | "oauth_token"; operations: string[] };
  /** an action a second intent version may add (widening, needs a person) */
  widen?: string;
  /** hands part of the work to another agent (child session) */
  delegate?: { agent: string; task: number; rate: number };
};

export type StandingSecretDef = {
  kind: "api_key" | "oauth_token" | "cloud_key" | "ssh_key";
  name: string;
  connector: string | null;
  prefix: string;
  issuedDaysAgo: number;
  expiresInDays: number | null; // null = never expires (a hygiene problem)
  lastUsedDaysAgo: number | null;
  source: string;
};

export type DemoAgent = {
  name: string;
  team: string;
  ownerRole: Role;
  identity?: { kind: "oidc"; subject: string }; // default: SPIFFE ID from team and name
  purpose: string;
  riskTier: Tier;
  status: "active" | "quarantined" | "retired";
  statusReason?: string;
  createdDaysAgo: number;
  sessionsPerWeek: number;
  driftRate: number; // share of sessions with an out-of-intent call
  envelope: Envelope;
  labels: Record<string, string>;
  tasks: TaskDef[];
  deviations: DeviationDef[];
  standingSecrets?: StandingSecretDef[];
};

export const spiffeId = (team: string, name: string) => `spiffe://${TRUST_DOMAIN}/ns/${team}/sa/${name}`;
export const agentIdentity = (a: DemoAgent) => a.identity?.subject ?? spiffeId(a.team, a.name);

const HOUR = 3600;

export const AGENTS: DemoAgent[] = [
  // ---- platform ------------------------------------------------------------------------------
  {
    name: "oncall-copilot", team: "platform", ownerRole: "analyst", riskTier: "high", status: "active", createdDaysAgo: 190,
    sessionsPerWeek: 14, driftRate: 0.36,
    purpose: "Pages with the on-call engineer: pulls metrics, logs and recent deploys for the firing alert, drafts the incident timeline in the bridge channel and acknowledges pages it has triaged.",
    envelope: {
      actions: ["pagerduty:*", "datadog:*", "github:actions.read", "github:pulls.read", "slack:chat.post", "slack:channels.*", "jira:issues.create", "jira:comments.write"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: 4 * HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "claude-sonnet", oncall: "platform-primary" },
    tasks: [
      {
        goal: "Triage page {inc} ({service} 5xx rate above SLO) and keep the bridge channel updated",
        actions: ["pagerduty:incidents.*", "datadog:metrics.query", "datadog:logs.search", "github:actions.read", "github:pulls.read", "slack:chat.post"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 2 * HOUR,
        steps: [
          { call: "pagerduty:incidents.read", resource: "{inc}", weight: 2 },
          { call: "pagerduty:incidents.acknowledge", resource: "{inc}" },
          { call: "datadog:metrics.query", resource: "sum:trace.http.request.errors{service:{service}}", weight: 4, args: { from: "now-1h", rollup: 60 } },
          { call: "datadog:logs.search", resource: "service:{service} status:error", weight: 3, args: { query: "service:{service} status:error", limit: 200 } },
          { call: "github:actions.read", resource: "{repo}/actions/runs", weight: 2 },
          { call: "github:pulls.read", resource: "{repo}#{n4}", weight: 2 },
          { call: "slack:chat.post", resource: "{channel}", destination: "internal:slack/#inc-bridge", weight: 2, args: { text: "[redacted: 412 chars]" } },
          { call: "pagerduty:incidents.note", resource: "{inc}" },
        ],
        widen: "datadog:monitors.mute",
        delegate: { agent: "dashboard-narrator", task: 0, rate: 0.3 },
      },
    ],
    deviations: [
      { call: "datadog:monitors.mute", resource: "monitor:{n5}", args: { duration: "4h" } },
      { call: "jira:issues.create", resource: "INC", args: { summary: "Postmortem for {inc}" } },
      { call: "slack:channels.history", resource: "#inc-bridge" },
      { call: "github:actions.rerun", resource: "{repo}/actions/runs/{n5}" },
      { call: "prod-postgres:payments.select", resource: "payments WHERE status = 'failed'", sensitivity: "restricted" },
    ],
  },
  {
    name: "deploy-gatekeeper", team: "platform", ownerRole: "admin", riskTier: "high", status: "active", createdDaysAgo: 150,
    sessionsPerWeek: 12, driftRate: 0.22,
    purpose: "Checks every production release train: CI status, open incidents and error budgets, then posts a go/no-go in #eng-releases. It never merges or deploys on its own.",
    envelope: {
      actions: ["github:pulls.read", "github:actions.*", "github:repo.read", "datadog:metrics.query", "datadog:monitors.read", "pagerduty:incidents.read", "slack:chat.post"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: 2 * HOUR,
    },
    labels: { runtime: "github-actions", model: "gpt-4.1" },
    tasks: [
      {
        goal: "Go/no-go check for release train {version} of {repo}",
        actions: ["github:pulls.read", "github:actions.read", "github:repo.read", "datadog:metrics.query", "pagerduty:incidents.read", "slack:chat.post"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: HOUR,
        steps: [
          { call: "github:pulls.read", resource: "{repo}#{n4}", weight: 3 },
          { call: "github:actions.read", resource: "{repo}/actions/runs/{n5}", weight: 4 },
          { call: "github:repo.read", resource: "{repo}/CHANGELOG.md" },
          { call: "datadog:metrics.query", resource: "slo:{service}.availability", weight: 2 },
          { call: "pagerduty:incidents.read", resource: "open incidents for {service}" },
          { call: "slack:chat.post", resource: "#eng-releases", destination: "internal:slack/#eng-releases", args: { text: "GO for {version}: all checks green" } },
        ],
        widen: "github:actions.rerun",
      },
    ],
    deviations: [
      { call: "github:pulls.merge", resource: "{repo}#{n4}", forbid: "forbid-agent-merges-to-main" },
      { call: "github:actions.dispatch", resource: "{repo}/.github/workflows/deploy.yml", args: { ref: "main", env: "production" } },
    ],
  },
  {
    name: "infra-cost-watcher", team: "platform", ownerRole: "admin", riskTier: "low", status: "active", createdDaysAgo: 120,
    sessionsPerWeek: 7, driftRate: 0.11,
    purpose: "Daily cloud spend digest: reads the cost exports in the data lake and utilisation metrics, and flags idle resources in #platform-costs.",
    envelope: {
      actions: ["s3-data-lake:buckets.list", "s3-data-lake:objects.get", "datadog:metrics.query", "slack:chat.post", "jira:issues.create"],
      maxSensitivity: "internal", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", schedule: "daily 07:00 UTC" },
    tasks: [
      {
        goal: "Daily cost digest for {month}",
        actions: ["s3-data-lake:buckets.list", "s3-data-lake:objects.get", "datadog:metrics.query", "slack:chat.post"],
        maxSensitivity: "internal", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "s3-data-lake:buckets.list", resource: "s3://acme-data-lake-prod/finops/" },
          { call: "s3-data-lake:objects.get", resource: "s3://acme-data-lake-prod/finops/cur/{month}/part-{n3}.parquet", sensitivity: "internal", weight: 4 },
          { call: "datadog:metrics.query", resource: "avg:kubernetes.cpu.usage.total{cluster:prod-eu1}", weight: 2 },
          { call: "slack:chat.post", resource: "#platform-costs", destination: "internal:slack/#platform-costs" },
        ],
      },
    ],
    deviations: [{ call: "s3-data-lake:objects.get", resource: "s3://acme-data-lake-prod/restricted/customers/{month}.parquet", sensitivity: "restricted" }],
  },
  // ---- support -------------------------------------------------------------------------------
  {
    name: "support-triage-bot", team: "support", ownerRole: "approver", riskTier: "medium", status: "active", createdDaysAgo: 210,
    sessionsPerWeek: 28, driftRate: 0.25,
    purpose: "First pass on every new SUP ticket: classifies it, looks up the customer's plan in Salesforce, links known incidents and routes it to the right queue. Replies to customers are drafted, never sent.",
    envelope: {
      actions: ["jira:issues.*", "jira:comments.*", "salesforce:contacts.read", "salesforce:accounts.read", "pagerduty:incidents.read", "slack:chat.post", "salesforce:contacts.update"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "claude-haiku", queue: "SUP" },
    tasks: [
      {
        goal: "Triage new tickets in the SUP queue ({sup} and following)",
        actions: ["jira:issues.read", "jira:issues.update", "jira:issues.transition", "jira:comments.write", "salesforce:contacts.read", "salesforce:accounts.read", "pagerduty:incidents.read"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "jira:issues.read", resource: "{sup}", weight: 5 },
          { call: "salesforce:contacts.read", resource: "Contact/{person}", weight: 3 },
          { call: "salesforce:accounts.read", resource: "Account/{acct}", weight: 2 },
          { call: "pagerduty:incidents.read", resource: "{inc}" },
          { call: "jira:issues.update", resource: "{sup}", args: { labels: ["billing", "p3"], component: "payments" }, weight: 3 },
          { call: "jira:issues.transition", resource: "{sup}", args: { to: "Triaged" }, weight: 2 },
          { call: "jira:comments.write", resource: "{sup}", args: { body: "[redacted: draft reply, 611 chars]" }, weight: 2 },
        ],
        jit: { connector: "salesforce", kind: "oauth_token", operations: ["contacts.read", "accounts.read"] },
        // kb-article-drafter's intent is wider than triage's: these delegations are refused.
        delegate: { agent: "kb-article-drafter", task: 0, rate: 0.05 },
      },
    ],
    deviations: [
      { call: "salesforce:contacts.update", resource: "Contact/{person}", args: { Email: "[redacted]" } },
      { call: "email:mail.send", resource: "{person}", destination: "email:{person}", forbid: "forbid-unsupervised-customer-email" },
      { call: "slack:chat.post", resource: "#support-escalations", destination: "internal:slack/#support-escalations" },
    ],
  },
  {
    name: "refund-assistant", team: "support", ownerRole: "approver", riskTier: "high", status: "quarantined", createdDaysAgo: 95,
    sessionsPerWeek: 8, driftRate: 0.27,
    statusReason: "Repeated payments.update calls after denial while working SUP refunds (INC-2291). Quarantined pending review of its prompt chain and the ticket text it ingested.",
    purpose: "Prepares refunds for approved SUP tickets: checks the payment and the customer's history, files the refund request and comments the outcome on the ticket. Finance executes the refund.",
    envelope: {
      actions: ["prod-postgres:customers.select", "prod-postgres:payments.select", "prod-postgres:refunds.*", "jira:issues.read", "jira:comments.write", "email:mail.send"],
      maxSensitivity: "restricted", destinations: ["internal:*", "email:*@acme.example"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "gpt-4.1-mini", queue: "SUP-refunds" },
    tasks: [
      {
        goal: "Prepare the refund requested in {sup}",
        actions: ["jira:issues.read", "prod-postgres:customers.select", "prod-postgres:payments.select", "prod-postgres:refunds.insert", "jira:comments.write"],
        maxSensitivity: "restricted", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "jira:issues.read", resource: "{sup}", weight: 2 },
          { call: "prod-postgres:customers.select", resource: "customers WHERE id = '{cus}'", args: { sql: "select id, plan, country from customers where id = $1", params: ["[redacted]"] }, weight: 2 },
          { call: "prod-postgres:payments.select", resource: "payments WHERE customer_id = '{cus}'", args: { sql: "select id, amount, status from payments where customer_id = $1 order by created_at desc limit 20", params: ["[redacted]"] }, weight: 3 },
          { call: "prod-postgres:refunds.insert", resource: "refunds", args: { payment_id: "{pay}", amount_cents: "[redacted]", reason: "customer_request" } },
          { call: "jira:comments.write", resource: "{sup}" },
        ],
        jit: { connector: "prod-postgres", kind: "database_role", operations: ["customers.select", "payments.select", "refunds.insert"] },
      },
    ],
    deviations: [
      { call: "prod-postgres:payments.update", resource: "payments WHERE id = '{pay}'", args: { sql: "update payments set status = 'refunded' where id = $1" }, forbid: "forbid-agent-payment-mutations" },
      { call: "email:mail.send", resource: "{person}", destination: "email:customer@gmail.com" },
    ],
  },
  {
    name: "kb-article-drafter", team: "support", ownerRole: "approver", riskTier: "low", status: "active", createdDaysAgo: 80,
    sessionsPerWeek: 7, driftRate: 0.09,
    purpose: "Turns resolved SUP tickets with the same root cause into draft help-center articles (as pull requests against the docs repo) for the support writers to edit.",
    envelope: {
      actions: ["jira:issues.read", "jira:comments.read", "github:repo.read", "github:pulls.write", "github:issues.read"],
      resources: ["acme/help-center*", "SUP-*"], maxSensitivity: "internal", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "claude-haiku" },
    tasks: [
      {
        goal: "Draft a help-center article from resolved tickets like {sup}",
        actions: ["jira:issues.read", "jira:comments.read", "github:repo.read", "github:pulls.write"],
        maxSensitivity: "internal", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "jira:issues.read", resource: "{sup}", weight: 3 },
          { call: "jira:comments.read", resource: "{sup}", weight: 2 },
          { call: "github:repo.read", resource: "acme/help-center/docs/billing/", sensitivity: "internal" },
          { call: "github:pulls.write", resource: "acme/help-center", args: { title: "Draft: why was I charged twice?", draft: true } },
        ],
      },
    ],
    deviations: [{ call: "salesforce:contacts.read", resource: "Contact/{person}" }],
  },
  {
    name: "ticket-summarizer-v1", team: "support", ownerRole: "approver", riskTier: "low", status: "retired", createdDaysAgo: 330,
    sessionsPerWeek: 0, driftRate: 0.0,
    statusReason: "Replaced by support-triage-bot; kept for audit history.",
    purpose: "Summarised long SUP tickets for the weekly support review. Retired when triage moved to support-triage-bot.",
    envelope: { actions: ["jira:issues.read", "jira:comments.read", "slack:chat.post"], maxSensitivity: "internal", destinations: ["internal:*"], maxTtlSeconds: HOUR },
    labels: { runtime: "lambda", model: "gpt-3.5-turbo" },
    tasks: [],
    deviations: [],
    standingSecrets: [
      { kind: "api_key", name: "JIRA_API_TOKEN (ticket-summarizer-v1)", connector: "jira", prefix: "ATATT3xF", issuedDaysAgo: 330, expiresInDays: null, lastUsedDaysAgo: 41, source: "lambda env var" },
    ],
  },
  // ---- finance -------------------------------------------------------------------------------
  {
    name: "invoice-reconciler", team: "finance", ownerRole: "approver", riskTier: "high", status: "active", createdDaysAgo: 170,
    sessionsPerWeek: 10, driftRate: 0.32,
    purpose: "Matches issued invoices against settled payments every night, files FIN tickets for mismatches and emails the AP team a reconciliation summary.",
    envelope: {
      actions: ["prod-postgres:invoices.select", "prod-postgres:payments.select", "s3-data-lake:objects.get", "s3-data-lake:objects.put", "jira:issues.create", "email:mail.send"],
      maxSensitivity: "restricted", destinations: ["internal:*", "email:*@acme.example", "email:*@vendors.acme.example"], maxTtlSeconds: 3 * HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", schedule: "nightly 02:00 UTC", model: "claude-sonnet" },
    tasks: [
      {
        goal: "Reconcile invoices against settled payments for {month}",
        actions: ["prod-postgres:invoices.select", "prod-postgres:payments.select", "s3-data-lake:objects.get", "s3-data-lake:objects.put", "jira:issues.create", "email:mail.send"],
        maxSensitivity: "restricted", destinations: ["internal:*", "email:ap-team@acme.example"], ttlSeconds: 2 * HOUR,
        steps: [
          { call: "prod-postgres:invoices.select", resource: "invoices WHERE period = '{month}'", weight: 4, args: { sql: "select id, customer_id, total_cents from invoices where period = $1" } },
          { call: "prod-postgres:payments.select", resource: "payments WHERE invoice_id = '{inv}'", weight: 5 },
          { call: "s3-data-lake:objects.get", resource: "s3://acme-data-lake-prod/finance/bank-statements/{month}.csv", sensitivity: "confidential", weight: 2 },
          { call: "s3-data-lake:objects.put", resource: "s3://acme-data-lake-prod/finance/recon/{month}/mismatches.csv", sensitivity: "confidential" },
          { call: "jira:issues.create", resource: "FIN", args: { summary: "Invoice {inv} paid twice", priority: "High" } },
          { call: "email:mail.send", resource: "ap-team@acme.example", destination: "email:ap-team@acme.example", sensitivity: "confidential" },
        ],
        jit: { connector: "prod-postgres", kind: "database_role", operations: ["invoices.select", "payments.select"] },
      },
    ],
    deviations: [
      { call: "email:mail.send", resource: "billing@northwind-supplies.com", destination: "email:billing@northwind-supplies.com", sensitivity: "confidential" },
      { call: "email:mail.send", resource: "northwind@vendors.acme.example", destination: "email:northwind@vendors.acme.example", sensitivity: "confidential" },
      { call: "prod-postgres:customers.select", resource: "customers WHERE id IN (...)", sensitivity: "restricted" },
      { call: "prod-postgres:invoices.update", resource: "invoices WHERE id = '{inv}'", args: { status: "paid" }, forbid: "forbid-agent-payment-mutations" },
    ],
    standingSecrets: [
      { kind: "cloud_key", name: "AWS access key finance-recon-ci", connector: "s3-data-lake", prefix: "AKIA4XQ7", issuedDaysAgo: 520, expiresInDays: null, lastUsedDaysAgo: 1, source: "vault:kv/finance/recon" },
    ],
  },
  {
    name: "expense-auditor", team: "finance", ownerRole: "approver", riskTier: "medium", status: "active", createdDaysAgo: 140,
    sessionsPerWeek: 6, driftRate: 0.18,
    purpose: "Checks submitted expense receipts against the travel policy and opens FIN tickets for anything over limit or missing a receipt.",
    envelope: {
      actions: ["s3-data-lake:objects.get", "jira:issues.create", "jira:comments.write", "slack:chat.post"],
      resources: ["s3://acme-data-lake-prod/finance/receipts/*", "FIN*", "#finance-close"], maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "gpt-4.1-mini" },
    tasks: [
      {
        goal: "Audit expense receipts submitted this week ({month})",
        actions: ["s3-data-lake:objects.get", "jira:issues.create", "jira:comments.write"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: HOUR,
        steps: [
          { call: "s3-data-lake:objects.get", resource: "s3://acme-data-lake-prod/finance/receipts/{month}/{n5}.pdf", sensitivity: "confidential", weight: 6 },
          { call: "jira:issues.create", resource: "FIN", args: { summary: "Receipt missing for expense {n5}" } },
          { call: "jira:comments.write", resource: "{fin}" },
        ],
      },
    ],
    deviations: [{ call: "slack:chat.post", resource: "#finance-close", destination: "internal:slack/#finance-close" }],
  },
  {
    name: "revenue-forecaster", team: "finance", ownerRole: "analyst", riskTier: "medium", status: "active", createdDaysAgo: 110,
    sessionsPerWeek: 4, driftRate: 0.27,
    purpose: "Builds the weekly revenue forecast from pipeline in Salesforce and booked revenue in the data lake; writes the model output back to the lake for the CFO dashboard.",
    envelope: {
      actions: ["salesforce:opportunities.read", "salesforce:accounts.read", "s3-data-lake:objects.*", "prod-postgres:invoices.select", "slack:chat.post"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: 2 * HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "claude-sonnet" },
    tasks: [
      {
        goal: "Weekly revenue forecast for {month}",
        actions: ["salesforce:opportunities.read", "salesforce:accounts.read", "s3-data-lake:objects.*", "prod-postgres:invoices.select", "slack:chat.post"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 2 * HOUR,
        steps: [
          { call: "salesforce:opportunities.read", resource: "Opportunity WHERE CloseDate = THIS_QUARTER", weight: 4 },
          { call: "salesforce:accounts.read", resource: "Account/{acct}", weight: 2 },
          { call: "s3-data-lake:objects.get", resource: "s3://acme-data-lake-prod/finance/bookings/{month}.parquet", weight: 2 },
          { call: "s3-data-lake:objects.put", resource: "s3://acme-data-lake-prod/finance/forecast/{month}.parquet" },
          { call: "slack:chat.post", resource: "#finance-close", destination: "internal:slack/#finance-close" },
        ],
        delegate: { agent: "sql-analyst", task: 1, rate: 0.5 },
      },
    ],
    deviations: [{ call: "salesforce:contacts.read", resource: "Contact WHERE Account = '{acct}'" }],
    standingSecrets: [
      { kind: "oauth_token", name: "Salesforce refresh token (forecast notebook)", connector: "salesforce", prefix: "5Aep861T", issuedDaysAgo: 260, expiresInDays: null, lastUsedDaysAgo: 133, source: "jupyter secret store" },
    ],
  },
  // ---- sales-ops -----------------------------------------------------------------------------
  {
    name: "lead-enricher", team: "sales-ops", ownerRole: "approver", riskTier: "medium", status: "active", createdDaysAgo: 130,
    sessionsPerWeek: 14, driftRate: 0.4,
    purpose: "Enriches new inbound leads with firmographics (industry, size, region) and updates the Salesforce contact and account so SDRs get a scored lead within the hour.",
    envelope: {
      actions: ["salesforce:contacts.read", "salesforce:contacts.update", "salesforce:accounts.read", "salesforce:accounts.update", "slack:chat.post"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "vendor:clay", model: "gpt-4.1-mini" },
    tasks: [
      {
        goal: "Enrich inbound leads created since the last run",
        actions: ["salesforce:contacts.read", "salesforce:contacts.update", "salesforce:accounts.read", "salesforce:accounts.update"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "salesforce:contacts.read", resource: "Contact WHERE LeadSource = 'Inbound' AND CreatedDate = TODAY", weight: 3 },
          { call: "salesforce:accounts.read", resource: "Account/{acct}", weight: 2 },
          { call: "salesforce:contacts.update", resource: "Contact/{person}", args: { Title: "[redacted]", Seniority__c: "Director" }, weight: 3 },
          { call: "salesforce:accounts.update", resource: "Account/{acct}", args: { Industry: "Logistics", Employees: 1200 } },
        ],
        jit: { connector: "salesforce", kind: "oauth_token", operations: ["contacts.read", "contacts.update", "accounts.read", "accounts.update"] },
      },
    ],
    deviations: [
      { call: "salesforce:contacts.delete", resource: "Contact/{person}", forbid: "forbid-crm-deletes-by-agents" },
      { call: "email:mail.send", resource: "{person}", destination: "email:lead@prospect-domain.io" },
      { call: "slack:chat.post", resource: "#sales-ops", destination: "internal:slack/#sales-ops" },
    ],
    standingSecrets: [
      { kind: "api_key", name: "Clearbit API key (lead-enricher)", connector: null, prefix: "sk_9f2c1a", issuedDaysAgo: 300, expiresInDays: null, lastUsedDaysAgo: 0, source: "vendor console" },
    ],
  },
  {
    name: "crm-hygiene-bot", team: "sales-ops", ownerRole: "analyst", riskTier: "low", status: "active", createdDaysAgo: 200,
    sessionsPerWeek: 7, driftRate: 0.14,
    purpose: "Nightly CRM clean-up: normalises country and phone fields and flags probable duplicate accounts for a human to merge.",
    envelope: {
      actions: ["salesforce:contacts.read", "salesforce:contacts.update", "salesforce:accounts.read", "jira:issues.create"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: 2 * HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", schedule: "nightly 03:00 UTC" },
    tasks: [
      {
        goal: "Normalise contact fields and flag duplicate accounts",
        actions: ["salesforce:contacts.read", "salesforce:contacts.update", "salesforce:accounts.read", "jira:issues.create"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: HOUR,
        steps: [
          { call: "salesforce:contacts.read", resource: "Contact WHERE LastModifiedDate = YESTERDAY", weight: 3 },
          { call: "salesforce:contacts.update", resource: "Contact/{person}", args: { MailingCountry: "DE" }, weight: 4 },
          { call: "salesforce:accounts.read", resource: "Account/{acct}", weight: 2 },
          { call: "jira:issues.create", resource: "SALESOPS", args: { summary: "Possible duplicate: {acct}" } },
        ],
      },
    ],
    deviations: [{ call: "salesforce:accounts.merge", resource: "Account/{acct}", forbid: "forbid-crm-deletes-by-agents" }],
  },
  {
    name: "outbound-email-drafter", team: "sales-ops", ownerRole: "approver", riskTier: "medium", status: "active", createdDaysAgo: 60,
    identity: { kind: "oidc", subject: "0oa8x2k1lmN7dQp9Y5d7" },
    sessionsPerWeek: 10, driftRate: 0.32,
    purpose: "Writes first-touch outbound emails for SDR sequences from the contact's Salesforce record and sends them from sales@acme.example once the SDR has approved the sequence.",
    envelope: {
      actions: ["salesforce:contacts.read", "salesforce:accounts.read", "email:templates.read", "email:mail.send"],
      maxSensitivity: "confidential", destinations: ["email:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "vendor:okta-workload", idp: "okta" },
    tasks: [
      {
        goal: "Send approved sequence step {n3} to its contacts",
        actions: ["salesforce:contacts.read", "salesforce:accounts.read", "email:templates.read", "email:mail.send"],
        maxSensitivity: "confidential", destinations: ["email:*"], ttlSeconds: HOUR,
        steps: [
          { call: "salesforce:contacts.read", resource: "Contact/{person}", weight: 3 },
          { call: "salesforce:accounts.read", resource: "Account/{acct}" },
          { call: "email:templates.read", resource: "template:sdr-first-touch-v{n3}" },
          { call: "email:mail.send", resource: "sequence recipient", destination: "email:{prospect}", sensitivity: "internal", weight: 3 },
        ],
      },
    ],
    deviations: [
      { call: "email:mail.send", resource: "bulk list (4,812 recipients)", destination: "email:*", sensitivity: "confidential", forbid: "forbid-bulk-email-without-approval" },
      { call: "salesforce:opportunities.read", resource: "Opportunity WHERE Account = '{acct}'" },
    ],
    standingSecrets: [
      { kind: "api_key", name: "SendGrid API key (sales sender)", connector: "email", prefix: "SG.x9LmQ", issuedDaysAgo: 610, expiresInDays: null, lastUsedDaysAgo: 0, source: "okta workload secrets" },
    ],
  },
  // ---- security ------------------------------------------------------------------------------
  {
    name: "secrets-scanner", team: "security", ownerRole: "analyst", riskTier: "medium", status: "active", createdDaysAgo: 230,
    sessionsPerWeek: 10, driftRate: 0.11,
    purpose: "Scans new commits for leaked credentials, opens a SEC ticket for each hit and posts a redacted alert to #sec-alerts.",
    envelope: {
      actions: ["github:repo.read", "github:pulls.read", "github:issues.write", "jira:issues.create", "slack:chat.post"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1" },
    tasks: [
      {
        goal: "Scan commits pushed in the last hour across acme-corp",
        actions: ["github:repo.read", "github:pulls.read", "jira:issues.create", "slack:chat.post"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: HOUR,
        steps: [
          { call: "github:repo.read", resource: "{repo}@{n5}", weight: 6 },
          { call: "github:pulls.read", resource: "{repo}#{n4}", weight: 2 },
          { call: "jira:issues.create", resource: "SEC", args: { summary: "Possible AWS key in {repo}", priority: "High" } },
          { call: "slack:chat.post", resource: "#sec-alerts", destination: "internal:slack/#sec-alerts" },
        ],
      },
    ],
    deviations: [{ call: "github:repo.push", resource: "{repo}", args: { branch: "secret-rotation-{n4}" } }],
    standingSecrets: [
      { kind: "api_key", name: "GitHub PAT (secrets-scanner, org read)", connector: "github", prefix: "ghp_8Kq2w", issuedDaysAgo: 455, expiresInDays: null, lastUsedDaysAgo: 0, source: "vault:kv/security/scanner" },
    ],
  },
  {
    name: "access-reviewer", team: "security", ownerRole: "analyst", riskTier: "high", status: "active", createdDaysAgo: 75,
    identity: { kind: "oidc", subject: "repo:acme-corp/access-reviews:environment:production" },
    sessionsPerWeek: 3, driftRate: 0.5,
    purpose: "Quarterly access review helper: lists repository collaborators and Salesforce admins, compares them with HR's leaver list and opens SEC tickets for access to remove.",
    envelope: {
      actions: ["github:repo.read", "salesforce:contacts.read", "s3-data-lake:objects.get", "jira:issues.create", "jira:comments.write"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: 2 * HOUR,
    },
    labels: { runtime: "github-actions", idp: "github-oidc" },
    tasks: [
      {
        goal: "Access review {sec}: find leavers who still have access",
        actions: ["github:repo.read", "salesforce:contacts.read", "s3-data-lake:objects.get", "jira:issues.create"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 2 * HOUR,
        steps: [
          { call: "github:repo.read", resource: "{repo}/collaborators", weight: 4 },
          { call: "s3-data-lake:objects.get", resource: "s3://acme-data-lake-prod/hr/leavers/{month}.csv", sensitivity: "confidential", weight: 2 },
          { call: "salesforce:contacts.read", resource: "User WHERE Profile = 'System Administrator'" },
          { call: "jira:issues.create", resource: "SEC", args: { summary: "Remove access for leaver" } },
        ],
      },
    ],
    deviations: [{ call: "github:repo.admin", resource: "{repo}/collaborators", args: { remove: "[redacted]" }, forbid: "forbid-repo-admin-by-agents" }],
    standingSecrets: [
      { kind: "ssh_key", name: "SSH deploy key (access-review runner)", connector: "github", prefix: "SHA256:q9F", issuedDaysAgo: 420, expiresInDays: null, lastUsedDaysAgo: 204, source: "runner host ~/.ssh" },
    ],
  },
  {
    name: "vuln-triage-bot", team: "security", ownerRole: "analyst", riskTier: "medium", status: "active", createdDaysAgo: 160,
    sessionsPerWeek: 8, driftRate: 0.18,
    purpose: "Triages Dependabot and scanner alerts: checks whether the vulnerable code path is reachable, sets severity on the GitHub issue and opens SEC tickets for the reachable ones.",
    envelope: {
      actions: ["github:issues.*", "github:repo.read", "github:pulls.read", "jira:issues.create", "datadog:logs.search"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "claude-sonnet" },
    tasks: [
      {
        goal: "Triage new dependency alerts for {repo}",
        actions: ["github:issues.*", "github:repo.read", "jira:issues.create"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: HOUR,
        steps: [
          { call: "github:issues.read", resource: "{repo}#{n4}", weight: 3 },
          { call: "github:repo.read", resource: "{repo}/package-lock.json", weight: 3 },
          { call: "github:issues.write", resource: "{repo}#{n4}", args: { labels: ["sev:medium", "reachable:no"] }, weight: 2 },
          { call: "jira:issues.create", resource: "SEC", args: { summary: "Reachable prototype pollution in {repo}" } },
        ],
      },
    ],
    deviations: [{ call: "datadog:logs.search", resource: "service:{service} @http.url:*__proto__*", sensitivity: "confidential" }],
  },
  // ---- data ----------------------------------------------------------------------------------
  {
    name: "sql-analyst", team: "data", ownerRole: "analyst", riskTier: "high", status: "active", createdDaysAgo: 100,
    sessionsPerWeek: 14, driftRate: 0.36,
    purpose: "Answers ad-hoc questions from #data-requests with read-only SQL on the billing replica and drops result files in the data lake. Aggregates only; no row-level PII leaves the database.",
    envelope: {
      actions: ["prod-postgres:*.select", "s3-data-lake:objects.get", "s3-data-lake:objects.put", "slack:chat.post", "slack:channels.history"],
      maxSensitivity: "restricted", destinations: ["internal:*"], maxTtlSeconds: 2 * HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "claude-sonnet", replica: "prod-billing-ro" },
    tasks: [
      {
        goal: "Answer data request: monthly churn by plan for {month}",
        actions: ["prod-postgres:customers.select", "prod-postgres:payments.select", "s3-data-lake:objects.put", "slack:chat.post"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: HOUR,
        steps: [
          { call: "prod-postgres:customers.select", resource: "customers (aggregate by plan)", sensitivity: "confidential", args: { sql: "select plan, count(*) from customers where churned_at >= $1 group by plan" }, weight: 3 },
          { call: "prod-postgres:payments.select", resource: "payments (aggregate by month)", sensitivity: "confidential", args: { sql: "select date_trunc('month', created_at), sum(amount_cents) from payments group by 1" }, weight: 3 },
          { call: "s3-data-lake:objects.put", resource: "s3://acme-data-lake-prod/adhoc/churn-{month}.csv", sensitivity: "internal" },
          { call: "slack:chat.post", resource: "#data-requests", destination: "internal:slack/#data-requests", sensitivity: "internal" },
        ],
        jit: { connector: "prod-postgres", kind: "database_role", operations: ["customers.select", "payments.select"] },
        widen: "prod-postgres:invoices.select",
      },
      {
        goal: "Pull booked revenue by segment for the revenue forecast ({month})",
        actions: ["prod-postgres:invoices.select", "s3-data-lake:objects.put"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "prod-postgres:invoices.select", resource: "invoices (aggregate by segment)", args: { sql: "select segment, sum(total_cents) from invoices where period = $1 group by 1" }, weight: 3 },
          { call: "s3-data-lake:objects.put", resource: "s3://acme-data-lake-prod/finance/bookings/{month}.parquet", sensitivity: "confidential" },
        ],
        jit: { connector: "prod-postgres", kind: "database_role", operations: ["invoices.select"] },
      },
    ],
    deviations: [
      { call: "prod-postgres:customers.select", resource: "customers (email, phone)", sensitivity: "restricted", args: { sql: "select email, phone from customers where plan = 'enterprise'" } },
      { call: "slack:chat.post", resource: "#data-requests", destination: "internal:slack/#data-requests", sensitivity: "restricted", forbid: "forbid-restricted-data-in-chat" },
      { call: "pastebin-mcp:paste.create", resource: "paste (2,400 lines)", destination: "external:pastebin.com", sensitivity: "restricted" },
    ],
  },
  {
    name: "dashboard-narrator", team: "data", ownerRole: "analyst", riskTier: "low", status: "active", createdDaysAgo: 85,
    sessionsPerWeek: 7, driftRate: 0.09,
    purpose: "Writes the plain-English summary under the weekly KPI and service-health dashboards from Datadog metrics.",
    envelope: {
      actions: ["datadog:metrics.query", "datadog:monitors.read", "slack:chat.post"],
      maxSensitivity: "internal", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "claude-haiku" },
    tasks: [
      {
        goal: "Summarise service health for the incident channel",
        actions: ["datadog:metrics.query", "slack:chat.post"],
        maxSensitivity: "internal", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "datadog:metrics.query", resource: "avg:trace.http.request.duration{service:{service}}", weight: 4 },
          { call: "slack:chat.post", resource: "#inc-bridge", destination: "internal:slack/#inc-bridge" },
        ],
      },
    ],
    deviations: [{ call: "datadog:logs.search", resource: "service:{service}", sensitivity: "confidential" }],
  },
  {
    name: "pii-redactor", team: "data", ownerRole: "admin", riskTier: "high", status: "active", createdDaysAgo: 65,
    sessionsPerWeek: 5, driftRate: 0.18,
    purpose: "Produces the redacted customer extract that analytics may use: reads the restricted export, masks names, emails and card data, and writes the result to the curated zone.",
    envelope: {
      actions: ["s3-data-lake:objects.get", "s3-data-lake:objects.put", "prod-postgres:customers.select"],
      resources: ["s3://acme-data-lake-prod/restricted/*", "s3://acme-data-lake-prod/curated/*", "customers*"],
      maxSensitivity: "restricted", destinations: ["internal:s3/curated"], maxTtlSeconds: 2 * HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", schedule: "daily 04:00 UTC" },
    tasks: [
      {
        goal: "Nightly redacted customer extract for {month}",
        actions: ["s3-data-lake:objects.get", "s3-data-lake:objects.put"],
        resources: ["s3://acme-data-lake-prod/restricted/*", "s3://acme-data-lake-prod/curated/*"],
        maxSensitivity: "restricted", destinations: ["internal:s3/curated"], ttlSeconds: 2 * HOUR,
        steps: [
          { call: "s3-data-lake:objects.get", resource: "s3://acme-data-lake-prod/restricted/customers/{month}/part-{n3}.parquet", sensitivity: "restricted", weight: 4 },
          { call: "s3-data-lake:objects.put", resource: "s3://acme-data-lake-prod/curated/customers/{month}/part-{n3}.parquet", sensitivity: "internal", destination: "internal:s3/curated", weight: 4 },
        ],
      },
    ],
    deviations: [{ call: "s3-data-lake:objects.put", resource: "s3://acme-data-lake-prod/adhoc/unmasked-sample.parquet", sensitivity: "restricted", destination: "internal:s3/adhoc" }],
  },
  // ---- devex ---------------------------------------------------------------------------------
  {
    name: "release-notes-writer", team: "devex", ownerRole: "admin", riskTier: "low", status: "active", createdDaysAgo: 240,
    identity: { kind: "oidc", subject: "repo:acme-corp/release-tools:ref:refs/heads/main" },
    sessionsPerWeek: 5, driftRate: 0.09,
    purpose: "Drafts customer-facing release notes from merged pull requests and Jira fix versions, and posts the draft to #eng-releases for the PM to edit.",
    envelope: {
      actions: ["github:pulls.read", "github:repo.read", "jira:issues.read", "slack:chat.post"],
      maxSensitivity: "internal", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "github-actions", idp: "github-oidc", model: "gpt-4.1-mini" },
    tasks: [
      {
        goal: "Draft release notes for {version}",
        actions: ["github:pulls.read", "github:repo.read", "jira:issues.read", "slack:chat.post"],
        maxSensitivity: "internal", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "github:pulls.read", resource: "{repo}#{n4}", weight: 5 },
          { call: "github:repo.read", resource: "{repo}/CHANGELOG.md", sensitivity: "internal" },
          { call: "jira:issues.read", resource: "fixVersion = {version}", weight: 2 },
          { call: "slack:chat.post", resource: "#eng-releases", destination: "internal:slack/#eng-releases" },
        ],
      },
    ],
    deviations: [{ call: "github:repo.push", resource: "acme/web-app/CHANGELOG.md", args: { branch: "main" }, forbid: "forbid-agent-merges-to-main" }],
    standingSecrets: [
      { kind: "api_key", name: "GitHub PAT (release-notes, classic, repo scope)", connector: "github", prefix: "ghp_Zt41n", issuedDaysAgo: 690, expiresInDays: null, lastUsedDaysAgo: 2, source: "GitHub Actions org secret" },
    ],
  },
  {
    name: "pr-reviewer", team: "devex", ownerRole: "admin", riskTier: "medium", status: "active", createdDaysAgo: 180,
    sessionsPerWeek: 22, driftRate: 0.14,
    purpose: "Leaves a first review on every pull request: reads the diff, CI results and linked ticket, and comments on risky changes. It may request changes but never approves or merges.",
    envelope: {
      actions: ["github:pulls.read", "github:pulls.write", "github:repo.read", "github:actions.read", "jira:issues.read"],
      maxSensitivity: "confidential", destinations: ["internal:*"], maxTtlSeconds: HOUR,
    },
    labels: { runtime: "k8s/prod-eu1", model: "claude-sonnet" },
    tasks: [
      {
        goal: "Review pull request {repo}#{n4}",
        actions: ["github:pulls.read", "github:pulls.write", "github:repo.read", "github:actions.read", "jira:issues.read"],
        maxSensitivity: "confidential", destinations: ["internal:*"], ttlSeconds: 1800,
        steps: [
          { call: "github:pulls.read", resource: "{repo}#{n4}", weight: 3 },
          { call: "github:repo.read", resource: "{repo}/src", weight: 4 },
          { call: "github:actions.read", resource: "{repo}/actions/runs/{n5}", weight: 2 },
          { call: "jira:issues.read", resource: "PAY-{n4}" },
          { call: "github:pulls.write", resource: "{repo}#{n4}", args: { event: "COMMENT", body: "[redacted: review, 1,204 chars]" }, weight: 2 },
        ],
      },
    ],
    deviations: [
      { call: "github:pulls.merge", resource: "{repo}#{n4}", forbid: "forbid-agent-merges-to-main" },
      { call: "github:actions.rerun", resource: "{repo}/actions/runs/{n5}" },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Findings: the framework references each kind maps to.

export { FINDING_REFS } from "@/lib/frameworks/finding-refs";

/** Guardrail names that `forbid` deviations cite in their policy.forbid reasons. */
export const GUARDRAIL_DESCRIPTIONS: Record<string, string> = {
  "forbid-agent-payment-mutations": "agents may not change payment or invoice rows",
  "forbid-agent-merges-to-main": "agents may not merge or push to protected branches",
  "forbid-crm-deletes-by-agents": "agents may not delete or merge CRM records",
  "forbid-unsupervised-customer-email": "customer email from support agents needs a person",
  "forbid-bulk-email-without-approval": "email to more than 100 recipients needs a campaign approval",
  "forbid-repo-admin-by-agents": "agents may not change repository settings or collaborators",
  "forbid-restricted-data-in-chat": "restricted data may not be posted to chat",
};

export const APPROVE_NOTES = [
  "Matches the ticket; one-off is fine.",
  "Checked with the owning team in Slack, go ahead.",
  "Expected during the incident, approved for this session.",
  "Low risk: read-only and internal destination.",
  "Customer asked for this in the ticket; approved once.",
  "Part of the job after all; added to the intent.",
  "Second pair of eyes: agreed, go ahead.",
];
export const DENY_NOTES = [
  "Not part of this task. Re-run with a proper intent if you need it.",
  "External destination for confidential data: no.",
  "Ask the data team for an approved extract instead.",
  "Needs a change request, not an agent call.",
];
