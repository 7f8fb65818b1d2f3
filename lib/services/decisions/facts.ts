import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { connectors, connectorTools, sessions } from "@/lib/db/schema";
import { systemClock, type Clock } from "@/lib/clock";
import { TtlCache } from "@/lib/cache/ttl-cache";

// Reads of the decision path, cached briefly. Safe only because the group writer
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

/**
 * The decision path's cached reads, one per runtime (lib/runtime.ts). Each read answers from
 * memory when it can, without a promise: every await is a suspension (and, in Next's process,
 * async-hook calls) on the path every tool call takes.
 */
export class FactCache {
  private sessions: TtlCache<SessionFacts>;
  private connectors: TtlCache<ConnectorFacts>;

  constructor(
    private db: Db,
    clock: Clock = systemClock,
  ) {
    this.sessions = new TtlCache(SESSION_TTL_MS, clock);
    this.connectors = new TtlCache(CONNECTOR_TTL_MS, clock);
  }

  /** The agent's own session (another agent's is undefined), fresh within a second. */
  session(id: string, agentId: string): SessionFacts | undefined | Promise<SessionFacts | undefined> {
    const hit = this.sessions.get(id, undefined, () => this.liveSession(id));
    if (hit) return hit.agentId === agentId ? hit : undefined;
    return this.readSession(id, agentId);
  }

  private async readSession(id: string, agentId: string): Promise<SessionFacts | undefined> {
    const read = this.sessions.begin();
    const [s] = await this.db.select().from(sessions).where(eq(sessions.id, id));
    // Only live sessions are worth keeping; anything else is read again next time.
    if (s && s.status === "active") this.sessions.set(id, s, read);
    return s && s.agentId === agentId ? s : undefined;
  }

  private async liveSession(id: string): Promise<SessionFacts | undefined> {
    const [s] = await this.db.select().from(sessions).where(eq(sessions.id, id));
    return s?.status === "active" ? s : undefined;
  }

  /**
   * A connector's facts with its tools. One nobody registered is recorded as unmanaged (shadow)
   * the first time an agent calls it, and is escalated until a person adopts it.
   */
  connector(name: string, now: Date): ConnectorFacts | Promise<ConnectorFacts> {
    return this.connectors.get(name, undefined, () => loadConnector(this.db, name, new Date())) ?? this.readConnector(name, now);
  }

  private async readConnector(name: string, now: Date): Promise<ConnectorFacts> {
    const read = this.connectors.begin();
    const facts = await loadConnector(this.db, name, now);
    this.connectors.set(name, facts, read);
    return facts;
  }

  /** Drops a session's cached facts (after an intent change or the end). */
  forget(sessionId: string) {
    this.sessions.delete(sessionId);
  }
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

/** What a service needs to read or drop the runtime's cached facts (the Runtime is one). */
export type WithFacts = { db: Db; facts: Pick<FactCache, "forget" | "connector"> };
