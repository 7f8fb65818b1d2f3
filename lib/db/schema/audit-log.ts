import { sql } from "drizzle-orm";
import { bigint, check, customType, index, pgTable, primaryKey, smallint, text } from "drizzle-orm/pg-core";
import { createdAt, tz } from "./columns";

// The verifiable audit log over audit_events (docs/audit-log.md): Merkle tiles, how far the tree
// goes, the signed checkpoints and the public keys that signed them.

export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  // PGlite hands back a Uint8Array, pg a Buffer: both become a Buffer.
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
  toDriver: (v) => v,
});

/**
 * C2SP tlog-tiles layout, height 8: tile (level L, idx i) holds up to 256 concatenated 32-byte
 * hashes of the complete subtrees of height 8·L numbered 256·i …; the last one of a level grows
 * in place. Level-0 tiles also hold their leaves' event seqs (event → leaf index).
 */
export const auditLogTiles = pgTable(
  "audit_log_tiles",
  {
    level: smallint("level").notNull(),
    idx: bigint("idx", { mode: "number" }).notNull(),
    hashes: bytea("hashes").notNull(),
    firstSeq: bigint("first_seq", { mode: "number" }),
    seqs: bigint("seqs", { mode: "number" }).array(),
  },
  (t) => [
    primaryKey({ columns: [t.level, t.idx] }),
    // the proof endpoint: the level-0 tile holding an event's seq (greatest first_seq ≤ seq)
    index("audit_log_tiles_seq_idx").on(t.level, t.firstSeq),
  ],
);

/** One row: the tree's size and the last event sequenced. Its row lock makes one sequencer. */
export const auditLogState = pgTable(
  "audit_log_state",
  {
    id: smallint("id").primaryKey(),
    size: bigint("size", { mode: "number" }).notNull(),
    lastSeq: bigint("last_seq", { mode: "number" }).notNull(),
    lastHash: text("last_hash").notNull(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [check("audit_log_state_one_row", sql`${t.id} = 1`)],
);

/** Every signed checkpoint (append-only: a trigger in the migration refuses updates and deletes). */
export const auditCheckpoints = pgTable("audit_checkpoints", {
  size: bigint("size", { mode: "number" }).primaryKey(),
  root: bytea("root").notNull(),
  note: text("note").notNull(),
  keyId: text("key_id").notNull(),
  createdAt: createdAt(),
});

/** Verifier keys that signed checkpoints, for the console; never trusted by the verifier. */
export const auditLogKeys = pgTable("audit_log_keys", {
  keyId: text("key_id").primaryKey(),
  verifier: text("verifier").notNull(),
  firstUsedAt: tz("first_used_at").notNull().defaultNow(),
});

/**
 * Cosignatures HTTP witnesses returned for this log's checkpoints (c2sp.org/tlog-witness), one
 * row per witness key and size (append-only, like the checkpoints). The newest size per witness
 * is what the next add-checkpoint request names as "old".
 */
export const auditWitnessCosignatures = pgTable(
  "audit_witness_cosignatures",
  {
    /** The witness's cosignature verifier key (name+hash+base64). */
    witness: text("witness").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** The note signature line, to append to the checkpoint's note. */
    signature: text("signature").notNull(),
    cosignedAt: tz("cosigned_at").notNull(),
    receivedAt: tz("received_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.witness, t.size] })],
);

/**
 * When this Warden is a witness for other logs (POST /api/v1/witness/add-checkpoint): the
 * latest checkpoint it cosigned per log origin. Checked and replaced under the row's lock, so two
 * requests cannot roll it back (the race c2sp.org/tlog-witness describes).
 */
export const witnessedLogs = pgTable("witnessed_logs", {
  origin: text("origin").primaryKey(),
  size: bigint("size", { mode: "number" }).notNull(),
  root: bytea("root").notNull(),
  note: text("note").notNull(),
  updatedAt: tz("updated_at").notNull().defaultNow(),
});
