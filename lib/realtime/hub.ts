import type { DatabaseHandle } from "@/lib/db/client";

// One LISTEN per runtime on the change feed (migration 0008), fanned out to the live views this
// instance serves (server-sent events). Every instance listens on the same database, so a change
// made through any instance reaches every open page.

export type Change = { n: number; seq: number; sessions: string[]; agents: string[]; actions: string[]; truncated: boolean };
type Listener = (c: Change) => void;

const CHANNEL = "warden_events";

/** "Anything may have changed": after a reconnect nobody knows what was missed. */
const EVERYTHING: Change = { n: 0, seq: 0, sessions: [], agents: [], actions: [], truncated: true };

export class ChangeFeed {
  private listeners = new Set<Listener>();
  private ready?: Promise<void>;
  private closed = false;
  private stopListening?: () => Promise<void>;

  constructor(private handle: DatabaseHandle) {}

  /** Calls `listener` for every committed change until the returned function is called. */
  async subscribe(listener: Listener): Promise<() => void> {
    await this.ensureListening();
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.stopListening?.().catch(() => {});
  }

  private dispatch(payload: string) {
    let c: Change;
    try {
      c = JSON.parse(payload) as Change;
    } catch {
      return;
    }
    for (const l of this.listeners) {
      try {
        l(c);
      } catch (err) {
        console.error("[warden] live listener failed:", (err as Error).message);
      }
    }
  }

  private ensureListening(): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the change feed is closed"));
    this.ready ??= this.listen().catch((err) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async listen(): Promise<void> {
    const client = (this.handle.db as unknown as { $client: unknown }).$client;
    const dispatch = (p: string) => this.dispatch(p);
    if (this.handle.kind === "pglite") {
      const unlisten = await (client as { listen(ch: string, cb: (p: string) => void): Promise<() => Promise<void>> }).listen(CHANNEL, dispatch);
      this.stopListening = async () => void (await unlisten());
      return;
    }
    const { Client } = await import("pg");
    const options = (client as { options: { connectionString?: string } }).options;
    const c = new Client({ connectionString: options.connectionString });
    let listening = false; // the connection this call opened is the one LISTENing now
    const lost = (err?: Error) => {
      if (!listening || this.closed) return;
      listening = false;
      console.error("[warden] change feed connection lost; reconnecting:", err?.message ?? "closed");
      this.ready = undefined;
      c.end().catch(() => {});
      this.reconnect(1000);
    };
    c.on("error", lost);
    c.on("end", () => lost());
    c.on("notification", (m) => m.payload && dispatch(m.payload));
    this.stopListening = () => c.end();
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      c.end().catch(() => {});
      throw err;
    }
    listening = true;
  }

  /**
   * Listens again after the connection was lost, retrying (1 s, then up to every 8 s) for as
   * long as it takes: a Postgres restart or failover outlasts a single attempt, and the live
   * views subscribed meanwhile must not stay silent. Once back, they are told that anything may
   * have changed.
   */
  private reconnect(delayMs: number) {
    const t = setTimeout(() => {
      if (this.closed) return;
      this.ensureListening().then(
        () => this.dispatch(JSON.stringify(EVERYTHING)),
        () => this.reconnect(Math.min(delayMs * 2, 8000)),
      );
    }, delayMs);
    t.unref?.();
  }
}
