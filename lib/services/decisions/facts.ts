import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { connectors, connectorTools, sessions } from "@/lib/db/schema";
import { TtlCache } from "./ttl-cache";

// Reads of the decision path, cached briefly per database. Safe only because the group writer
// re-checks agent, session (status, expiry, intent version) and credential inside the commit;
// connector and tool facts may lag a registration change by at most CONNECTOR_TTL_MS.
const SESSION_TTL_MS = 1000;
const CONNECTOR_TTL_MS = 2000;

export type SessionFacts = typeof sessions.$inferSelect;
export type ConnectorFacts = {
  id: string | null;
  managed: boolean;
  kind: string;
  sensitivity: string;
  environment: string;
  tools: Map<string, { sensitivity: string | null; operations: { name: string; access: string }[] }>;
};

type Caches = { sessions: TtlCache<SessionFacts>; connectors: TtlCache<ConnectorFacts> };
// On globalThis: the machine listener (server.ts) and Next's route bundles each load this
// module, and an intent change or end served by one must drop the entry the other reads.
const g = globalThis as unknown as { __wardenFacts?: WeakMap<Db, Caches> };
const perDb = (g.__wardenFacts ??= new WeakMap<Db, Caches>());
function caches(db: Db): Caches {
  let c = perDb.get(db);
  if (!c) perDb.set(db, (c = { sessions: new TtlCache(SESSION_TTL_MS), connectors: new TtlCache(CONNECTOR_TTL_MS) }));
  return c;
}

/** The agent's own session (another agent's is undefined), fresh within a second. */
export async function sessionFacts(db: Db, id: string, agentId: string): Promise<SessionFacts | undefined> {
  const known = sessionFactsNow(db, id, agentId);
  if (known !== false) return known;
  const c = caches(db).sessions;
  const read = c.begin();
  const [s] = await db.select().from(sessions).where(eq(sessions.id, id));
  // Only live sessions are worth keeping; anything else is read again next time.
  if (s && s.status === "active") c.set(id, s, read);
  return s && s.agentId === agentId ? s : undefined;
}

/** sessionFacts' answer when it is cached, without an await; false when it is not. */
export function sessionFactsNow(db: Db, id: string, agentId: string): SessionFacts | undefined | false {
  const hit = caches(db).sessions.get(id, Date.now(), () => liveSession(db, id));
  return hit ? (hit.agentId === agentId ? hit : undefined) : false;
}

async function liveSession(db: Db, id: string): Promise<SessionFacts | undefined> {
  const [s] = await db.select().from(sessions).where(eq(sessions.id, id));
  return s?.status === "active" ? s : undefined;
}

/**
 * A connector's facts with its tools. One nobody registered is recorded as unmanaged (shadow)
 * the first time an agent calls it, and is escalated until a person adopts it.
 */
export async function connectorFacts(db: Db, name: string, now: Date): Promise<ConnectorFacts> {
  const hit = connectorFactsNow(db, name, now);
  if (hit) return hit;
  const c = caches(db).connectors;
  const read = c.begin();
  const facts = await loadConnector(db, name, now);
  c.set(name, facts, read);
  return facts;
}

/** connectorFacts' answer when it is cached, without an await. */
export function connectorFactsNow(db: Db, name: string, now: Date): ConnectorFacts | undefined {
  return caches(db).connectors.get(name, now.getTime(), () => loadConnector(db, name, new Date()));
}

// "Last seen" on the connectors list is the last tool call to within this much: the facts are
// reloaded every second or two while a connector is in use, and writing the time at each reload
// would be a row update per connector per second for nothing a person can tell apart.
export const LAST_SEEN_RESOLUTION_MS = 60_000;

async function loadConnector(db: Db, name: string, now: Date): Promise<ConnectorFacts> {
  const cols = { id: connectors.id, managed: connectors.managed, kind: connectors.kind, sensitivity: connectors.sensitivity, environment: connectors.environment, lastSeenAt: connectors.lastSeenAt };
  let [row] = await db.select(cols).from(connectors).where(eq(connectors.name, name));
  if (!row) {
    [row] = await db
      .insert(connectors)
      .values({ name, displayName: name, kind: "other", managed: false, sensitivity: "internal", environment: "unknown", firstSeenAt: now, lastSeenAt: now, description: "First seen in a tool call; nobody registered it." })
      .onConflictDoUpdate({ target: connectors.name, set: { lastSeenAt: sql`excluded.last_seen_at` } })
      .returning(cols);
  } else if (!row.lastSeenAt || now.getTime() - row.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    // Managed or not: an analyst reads "never" into an empty "last seen". Off the answer's path.
    db.update(connectors).set({ lastSeenAt: now }).where(eq(connectors.id, row.id)).catch(() => {});
  }
  const tools = await db
    .select({ name: connectorTools.name, sensitivity: connectorTools.sensitivity, operations: connectorTools.operations })
    .from(connectorTools)
    .where(and(eq(connectorTools.connectorId, row.id)));
  const { lastSeenAt: _seen, ...facts } = row; // read only to decide the write above; not a fact
  return { ...facts, tools: new Map(tools.map((t) => [t.name, { sensitivity: t.sensitivity, operations: t.operations }])) };
}

/** Drops a session's cached facts in this process (after an intent change or the end). */
export function forgetSession(db: Db, id: string) {
  caches(db).sessions.delete(id);
}
