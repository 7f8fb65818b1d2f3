import { getHandle, type DatabaseHandle } from "@/lib/db/client";

// One LISTEN per process on the change feed (migration 0008), fanned out to the live views this
// instance serves (server-sent events). Every instance listens on the same database, so a change
// made through any instance reaches every open page.

export type Change = { n: number; seq: number; sessions: string[]; agents: string[]; actions: string[]; truncated: boolean };
type Listener = (c: Change) => void;

const CHANNEL = "warden_events";

type State = { listeners: Set<Listener>; handle?: DatabaseHandle; ready?: Promise<void> };
// On globalThis: the machine listener and Next's route bundles share one LISTEN connection.
const g = globalThis as unknown as { __wardenHub?: State };
const state = (g.__wardenHub ??= { listeners: new Set() });

function dispatch(payload: string) {
  let c: Change;
  try {
    c = JSON.parse(payload) as Change;
  } catch {
    return;
  }
  for (const l of state.listeners) {
    try {
      l(c);
    } catch (err) {
      console.error("[warden] live listener failed:", (err as Error).message);
    }
  }
}

/** "Anything may have changed": after a reconnect nobody knows what was missed. */
const EVERYTHING: Change = { n: 0, seq: 0, sessions: [], agents: [], actions: [], truncated: true };

async function listen(handle: DatabaseHandle): Promise<void> {
  const client = (handle.db as unknown as { $client: unknown }).$client;
  if (handle.kind === "pglite") {
    await (client as { listen(ch: string, cb: (p: string) => void): Promise<unknown> }).listen(CHANNEL, dispatch);
    return;
  }
  const { Client } = await import("pg");
  const options = (client as { options: { connectionString?: string } }).options;
  const c = new Client({ connectionString: options.connectionString });
  const lost = (err?: Error) => {
    if (state.ready === undefined) return;
    console.error("[warden] change feed connection lost; reconnecting:", err?.message ?? "closed");
    state.ready = undefined;
    c.end().catch(() => {});
    setTimeout(() => void ensureListening().then(() => dispatch(JSON.stringify(EVERYTHING))).catch(() => {}), 1000).unref?.();
  };
  c.on("error", lost);
  c.on("end", () => lost());
  c.on("notification", (m) => m.payload && dispatch(m.payload));
  await c.connect();
  await c.query(`LISTEN ${CHANNEL}`);
}

async function ensureListening(): Promise<void> {
  const handle = await getHandle();
  if (state.ready && state.handle === handle) return state.ready;
  state.handle = handle;
  state.ready = listen(handle).catch((err) => {
    state.ready = undefined;
    throw err;
  });
  return state.ready;
}

/** Calls `listener` for every committed change until the returned function is called. */
export async function subscribe(listener: Listener): Promise<() => void> {
  await ensureListening();
  state.listeners.add(listener);
  return () => void state.listeners.delete(listener);
}
