// Time from a revocation to its effect, with two app instances on one Postgres: a person
// revokes on instance A; the very next check on instance B (introspection of a just-in-time
// credential, or a decision that relies on the agent's key) must already fail. Prints how long
// the revoke call takes and how long until B's answer, and counts any answer that was stale.
import { openDatabase } from "../lib/db/client";
import { createAgent } from "../lib/services/agents/create";
import { issueAgentKey } from "../lib/services/agents/keys";
import { createConnector } from "../lib/services/connectors/create";
import { connectorCreateSchema } from "@/lib/domain/connectors/schemas";
import { createPerson } from "../lib/services/people/create";
import { personCreateSchema } from "@/lib/domain/people/schemas";
import { ensureGuardrails } from "../lib/services/policies/guardrails";
import { createToken } from "../lib/services/tokens/create";
import { freshDatabase, quantiles, startServer, type Server } from "./servers";

const ROUNDS = Number(process.env.BENCH_REVOKE_ROUNDS ?? 200);

export async function benchRevocation() {
  const database = await freshDatabase("warden_bench_revoke");
  const servers: Server[] = [];
  try {
    const h = await openDatabase({ kind: "postgres", url: database.url, poolSize: 2 });
    await ensureGuardrails(h.db);
    const system = { actor: { kind: "system" as const, label: "bench" } };
    await createConnector(h.db, system, connectorCreateSchema.parse({ name: "github", displayName: "GitHub", kind: "saas_api", sensitivity: "internal", tools: [{ name: "issues", operations: [{ name: "read", access: "read" }] }] }));
    const agent = await createAgent(h.db, system, { name: "revoke-bot", identityKind: "key", team: "bench", purpose: "", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 86_400 } });
    const p = (await createPerson(h.db, system, personCreateSchema.parse({ email: "approver@bench.local", name: "approver", role: "approver", password: "a long bench password" }))).person;
    const person = (await createToken(h.db, { actor: { kind: "person", id: p.id, label: p.email } }, p.id, { name: "bench", expiresInDays: 1 })).token;
    const keys = await Promise.all(Array.from({ length: Math.min(ROUNDS, 50) + 1 }, (_, i) => issueAgentKey(h.db, system, agent!.id, { name: `k${i}`, expiresInDays: 1 })));
    await h.close();

    servers.push(await startServer(database.url, 3220), await startServer(database.url, 3221));
    const [a, b] = servers;
    const post = async (base: string, path: string, token: string, body: unknown) => {
      const r = await fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const agentKey = keys[0].secret;
    const session = (await post(b.base, "/api/v1/sessions", agentKey, { intent: { goal: "bench", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 86_400 } })).body;

    // Just-in-time credentials: issue on B, revoke on A, introspect on B straight away.
    const revokeMs: number[] = [];
    const effectMs: number[] = [];
    let stale = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const issued = (await post(b.base, "/api/v1/credentials", agentKey, { sessionId: session.id, connector: "github", operations: ["issues.read"] })).body;
      if ((await post(b.base, "/api/v1/credentials/introspect", person, { token: issued.secret })).body.active !== true) throw new Error("a fresh credential was not active");
      const t0 = performance.now();
      const r = await post(a.base, `/api/v1/credentials/${issued.credential.id}/revoke`, person, { reason: "bench" });
      const t1 = performance.now();
      if (r.status !== 200) throw new Error(`revoke failed: ${JSON.stringify(r.body)}`);
      const check = await post(b.base, "/api/v1/credentials/introspect", person, { token: issued.secret });
      const t2 = performance.now();
      if (check.body.active !== false) stale++;
      revokeMs.push(t1 - t0);
      effectMs.push(t2 - t1);
    }

    // Bootstrap keys on the decision path: B has just authenticated the key (and may reuse that
    // for a moment); revoked on A, B's next decision relying on it must not be an allow.
    const keyRevokeMs: number[] = [];
    const keyEffectMs: number[] = [];
    let keyStale = 0;
    for (const k of keys.slice(1)) {
      // A session per key: the denies this loop causes would otherwise trip the guardrail that
      // escalates a session with five or more denials.
      const own = (await post(b.base, "/api/v1/sessions", k.secret, { intent: { goal: "bench", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 3600 } })).body;
      const body = { sessionId: own.id, action: { connector: "github", tool: "issues", operation: "read" } };
      const warm = await post(b.base, "/api/v1/authorize", k.secret, body);
      if (warm.body.decision !== "allow") throw new Error(`warm-up decision was not an allow: ${JSON.stringify(warm)}`);
      const t0 = performance.now();
      await post(a.base, `/api/v1/credentials/${k.id}/revoke`, person, { reason: "bench" });
      const t1 = performance.now();
      const next = await post(b.base, "/api/v1/authorize", k.secret, body);
      const t2 = performance.now();
      if (next.status === 200 && next.body.decision === "allow") keyStale++;
      keyRevokeMs.push(t1 - t0);
      keyEffectMs.push(t2 - t1);
    }

    console.log(`\nRevocation across two instances (${ROUNDS} JIT credentials, ${keys.length - 1} agent keys; revoke on A, next check on B)`);
    console.log("| what | revoke call p50 / p99 ms | revoke → B's answer p50 / p99 / max ms | stale answers |\n| --- | ---: | ---: | ---: |");
    const row = (what: string, r: number[], e: number[], s: number) => {
      const qr = quantiles(r);
      const qe = quantiles(e);
      console.log(`| ${what} | ${qr.p50} / ${qr.p99} | ${qe.p50} / ${qe.p99} / ${qe.max} | ${s} of ${r.length} |`);
    };
    row("JIT credential, introspection on B", revokeMs, effectMs, stale);
    row("agent key, decision on B", keyRevokeMs, keyEffectMs, keyStale);
  } finally {
    for (const s of servers) await s.stop();
    await database.drop();
  }
}
