import pg from "pg";
import { GENESIS_HASH } from "../../lib/audit/chain";
import { parseVerifier, type Verifier } from "../../lib/audit/log/note";
import { BadInput, readCheckpoint, type SignedCheckpoint } from "./checkpoints";
import { EventCheck, type LogEvent } from "./events";
import type { Progress } from "./progress";

// Database mode: the whole log read straight from audit_events in seq order with `pg` (no
// server code, no stored tiles: the tree is recomputed here from leaf 0), and the checkpoints
// the server stored in audit_checkpoints.

const BATCH = 10_000;

export type DbLog = { checkpoints: SignedCheckpoint[]; carriedKeys: Verifier[]; total: number };

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {}); // a dropped connection surfaces as the next query's error
  try {
    await client.connect();
  } catch (err) {
    throw new BadInput(`cannot reach the database: ${err instanceof Error ? err.message : String(err)}`);
  }
  return client;
}

async function tableExists(client: pg.Client, name: string) {
  const r = await client.query<{ t: string | null }>("select to_regclass($1) as t", [name]);
  return r.rows[0].t !== null;
}

/** Checkpoints, keys the database names (trusted only as self-asserted) and the event count. */
export async function readDbLog(client: pg.Client): Promise<DbLog> {
  if (!(await tableExists(client, "audit_events"))) throw new BadInput("the database has no audit_events table: not a Warden database");
  const checkpoints: SignedCheckpoint[] = [];
  if (await tableExists(client, "audit_checkpoints")) {
    // Witness cosignatures kept beside them (audit_witness_cosignatures) join their notes, as in a bundle.
    const cosigs = (await tableExists(client, "audit_witness_cosignatures"))
      ? ", coalesce((select string_agg(w.signature || E'\\n', '' order by w.witness) from audit_witness_cosignatures w where w.size = audit_checkpoints.size), '') as cosigs"
      : ", '' as cosigs";
    const r = await client.query<{ size: string; note: string; cosigs: string }>(`select size::text, note${cosigs} from audit_checkpoints order by audit_checkpoints.size`);
    for (const row of r.rows) {
      const c = readCheckpoint(row.note + row.cosigs, `audit_checkpoints (size ${row.size})`, "database");
      if (String(c.size) !== row.size) throw new BadInput(`garbled checkpoint in audit_checkpoints: the row of size ${row.size} holds a note of size ${c.size}`);
      checkpoints.push(c);
    }
  }
  const carriedKeys: Verifier[] = [];
  if (await tableExists(client, "audit_log_keys")) {
    const r = await client.query<{ verifier: string }>("select verifier from audit_log_keys");
    for (const row of r.rows) {
      try {
        carriedKeys.push(parseVerifier(row.verifier));
      } catch {
        // a garbled key the server recorded: it only ever counted as self-asserted
      }
    }
  }
  const n = await client.query<{ n: string }>("select count(*)::text as n from audit_events");
  return { checkpoints, carriedKeys, total: Number(n.rows[0].n) };
}

type Row = {
  seq: string; id: string; occurred_at: Date; actor_kind: string; actor_id: string | null; actor_label: string; action: string;
  target_kind: string | null; target_id: string | null; agent_id: string | null; session_id: string | null;
  detail: Record<string, unknown>; request_id: string | null; ip: string | null; prev_hash: string; hash: string;
};

/** Feeds every event, in seq order, to a check that starts from the genesis hash at leaf 0. */
export async function streamDbEvents(client: pg.Client, rootSizes: number[], progress: Progress): Promise<EventCheck> {
  const check = new EventCheck(0, { prevHash: GENESIS_HASH, rootSizes });
  let last = "-1";
  for (;;) {
    const r = await client.query<Row>(
      `select seq::text, id::text, occurred_at, actor_kind::text, actor_id, actor_label, action, target_kind, target_id,
              agent_id::text, session_id::text, detail, request_id, ip, prev_hash, hash
         from audit_events where seq > $1::bigint order by audit_events.seq limit ${BATCH}`,
      [last],
    );
    for (const row of r.rows) {
      const e: LogEvent = {
        seq: Number(row.seq), id: row.id, occurredAt: row.occurred_at, actorKind: row.actor_kind, actorId: row.actor_id,
        actorLabel: row.actor_label, action: row.action, targetKind: row.target_kind, targetId: row.target_id,
        agentId: row.agent_id, sessionId: row.session_id, detail: row.detail, requestId: row.request_id, ip: row.ip,
        prevHash: row.prev_hash, hash: row.hash,
      };
      check.add(e);
      progress.tick(check.count);
    }
    if (r.rows.length < BATCH) return check;
    last = r.rows[r.rows.length - 1].seq;
  }
}
