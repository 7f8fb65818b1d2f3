import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { agents, credentials } from "@/lib/db/schema";
import { issueAgentKey } from "@/lib/services/agents/keys";
import { bulkRevokeCredentials } from "@/lib/services/credentials/bulk-revoke";
import { BULK_REVOKE_MAX } from "@/lib/domain/credentials/constants";
import type { Caller } from "@/lib/services/context";
import { Warden } from "@/sdk";
import { AGENTS, createRng, fill, type DemoAgent, type Rng } from "./fleet";
import { makeCall, taskIntent } from "./seed";

// The demo's live traffic: a handful of the demo fleet's agents work through Warden's real HTTP
// API (the SDK, bootstrap keys issued at start), so decisions, denials and escalations keep
// arriving while someone watches the dashboard. WARDEN_SIMULATOR=0 switches it off.

type Running = { stop: () => void };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSimulator(db: Db, baseUrl: string, opts: { concurrency?: number; seed?: number } = {}): Promise<Running> {
  let stopped = false;
  const running: Running = { stop: () => (stopped = true) };
  const rng = createRng(opts.seed ?? Date.now() % 2 ** 31);

  // Wait until this server answers on its own port.
  for (let i = 0; i < 120 && !stopped; i++) {
    const ok = await fetch(`${baseUrl}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(1000);
  }
  const names = AGENTS.filter((a) => a.status === "active").map((a) => a.name);
  const rows = await db.select({ id: agents.id, name: agents.name, status: agents.status }).from(agents).where(inArray(agents.name, names));
  const system = { actor: { kind: "system" as const, label: "demo simulator" } };
  await retirePreviousKeys(db, system);
  const fleet: { def: DemoAgent; client: Warden }[] = [];
  for (const r of rows.filter((x) => x.status === "active")) {
    const { secret } = await issueAgentKey(db, system, r.id, { name: SIMULATOR_KEY_NAME, expiresInDays: 1 });
    fleet.push({ def: AGENTS.find((a) => a.name === r.name)!, client: new Warden({ baseUrl, token: secret }) });
  }
  console.log(`[warden] demo simulator: ${fleet.length} agents acting through ${baseUrl}`);
  const worker = async () => {
    while (!stopped && fleet.length) {
      const a = rng.weighted(fleet, (f) => f.def.sessionsPerWeek);
      await runSession(a.def, a.client, rng, () => stopped).catch(async (err) => {
        // A quarantined agent loses its key: drop it from the simulation, keep the rest going.
        if ((err as { status?: number }).status === 401) fleet.splice(fleet.indexOf(a), 1);
        await sleep(2000);
      });
      await sleep(500 + rng.int(0, 2500));
    }
  };
  for (let i = 0; i < (opts.concurrency ?? 3); i++) void worker();
  return running;
}

export const SIMULATOR_KEY_NAME = "demo simulator key";

/**
 * Each start issues every simulated agent a fresh key. The previous start's keys would otherwise
 * stay live for their day, one more standing key per agent per restart: the credential sprawl
 * Warden exists to flag. So they are revoked first, each with its audit event. One simulator at
 * a time: a second one started on the same database takes over from the first.
 */
export async function retirePreviousKeys(db: Db, caller: Caller): Promise<number> {
  const live = await db
    .select({ id: credentials.id })
    .from(credentials)
    .where(and(eq(credentials.kind, "bootstrap_key"), eq(credentials.name, SIMULATOR_KEY_NAME), isNull(credentials.revokedAt)));
  const ids = live.map((c) => c.id);
  for (let i = 0; i < ids.length; i += BULK_REVOKE_MAX) {
    await bulkRevokeCredentials(db, caller, ids.slice(i, i + BULK_REVOKE_MAX), "replaced by the demo simulator's new keys at its start");
  }
  return ids.length;
}

async function runSession(def: DemoAgent, client: Warden, rng: Rng, stopped: () => boolean) {
  const task = rng.pick(def.tasks);
  const goal = fill(task.goal, rng);
  const session = await client.openSession(taskIntent(task, goal));
  if (session.status !== "active") return;
  const calls = rng.int(3, 9);
  for (let i = 0; i < calls && !stopped(); i++) {
    const drift = def.deviations.length > 0 && rng.chance(def.driftRate / 2);
    const step = drift ? rng.pick(def.deviations) : rng.weighted(task.steps, (s) => s.weight ?? 1);
    const c = makeCall(step, rng);
    await client.authorize(session.id, {
      connector: c.connector,
      tool: c.tool,
      operation: c.operation,
      resource: c.resource,
      sensitivity: c.sensitivity,
      destination: c.destination,
      arguments: c.args,
    });
    await sleep(300 + rng.int(0, 1500));
  }
  await client.endSession(session.id);
}
