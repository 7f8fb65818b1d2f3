import { and, desc, eq, lte, or, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import type { Statement } from "@/lib/db/raw";
import { auditLogTiles } from "@/lib/db/schema";
import type { Subtrees } from "./merkle";
import { tileKey, tilesRead, tileTree, TILE_WIDTH, type Tile, type TileRef } from "./tiles";

// The tiles in audit_log_tiles: read a few at a time by (level, idx), written by the sequencer.

export async function readTiles(db: Executor, refs: readonly TileRef[]): Promise<Map<string, Tile>> {
  const out = new Map<string, Tile>();
  if (refs.length === 0) return out;
  const found = await db
    .select()
    .from(auditLogTiles)
    .where(or(...refs.map((r) => and(eq(auditLogTiles.level, r.level), eq(auditLogTiles.idx, r.idx)))));
  for (const t of found) out.set(tileKey(t), { ...t, seqs: t.seqs?.map(Number) ?? null });
  return out;
}

/** Writes changed tiles in one statement: a partial tile is rewritten in place as it grows. */
export async function writeTiles(tx: Executor, tiles: readonly Tile[]): Promise<void> {
  if (tiles.length === 0) return;
  await tx
    .insert(auditLogTiles)
    .values([...tiles])
    .onConflictDoUpdate({
      target: [auditLogTiles.level, auditLogTiles.idx],
      set: { hashes: sql`excluded.hashes`, firstSeq: sql`excluded.first_seq`, seqs: sql`excluded.seqs` },
    });
}

// The sequencer's statements, in hand-written SQL for lib/db/raw.ts's batchTransaction: built
// through the query builder, a pass's tile upsert (level-0 tiles carry 256 seqs each) cost more
// CPU in drizzle's parameter mapping than hashing the pass's leaves did, on the cores decisions
// use. Values travel as text (hex for bytes, a Postgres array literal for seqs) so that both
// drivers read back the same strings.

const refList = (refs: readonly TileRef[]) => refs.map((r) => `(${r.level}, ${r.idx})`).join(", ");

/** The open tiles named, as text columns (parsed by tilesFromRows). Levels and indexes are integers we computed. */
export function readTilesStatement(refs: readonly TileRef[]): Statement {
  if (refs.some((r) => !Number.isSafeInteger(r.level) || !Number.isSafeInteger(r.idx))) throw new Error("tile refs must be integers");
  return {
    text: `select level::text as level, idx::text as idx, encode(hashes, 'hex') as hashes, first_seq::text as first_seq, array_to_string(seqs, ',') as seqs
           from audit_log_tiles where (level, idx) in (${refs.length ? refList(refs) : "(-1, -1)"})`,
  };
}

export function tilesFromRows(rows: readonly Record<string, unknown>[]): Map<string, Tile> {
  const out = new Map<string, Tile>();
  for (const r of rows) {
    const seqs = r.seqs === null || r.seqs === undefined ? null : String(r.seqs) === "" ? [] : String(r.seqs).split(",").map(Number);
    const t: Tile = { level: Number(r.level), idx: Number(r.idx), hashes: Buffer.from(String(r.hashes), "hex"), firstSeq: r.first_seq === null ? null : Number(r.first_seq), seqs };
    out.set(tileKey(t), t);
  }
  return out;
}

/** writeTiles as one statement: five parameters per tile. */
export function writeTilesStatement(tiles: readonly Tile[]): Statement {
  const params: (string | null)[] = [];
  const values = tiles.map((t) => {
    params.push(String(t.level), String(t.idx), t.hashes.toString("hex"), t.firstSeq === null ? null : String(t.firstSeq), t.seqs ? `{${t.seqs.join(",")}}` : null);
    const b = params.length - 5;
    return `($${b + 1}::smallint, $${b + 2}::bigint, decode($${b + 3}, 'hex'), $${b + 4}::bigint, $${b + 5}::bigint[])`;
  });
  return {
    text: `insert into audit_log_tiles (level, idx, hashes, first_seq, seqs) values ${values.join(", ")}
           on conflict (level, idx) do update set hashes = excluded.hashes, first_seq = excluded.first_seq, seqs = excluded.seqs`,
    params,
  };
}

/** Only the hashes of the tiles named: all a proof reads (level-0 tiles' 256 seqs stay behind). */
async function readTileHashes(db: Executor, refs: readonly TileRef[]): Promise<Map<string, Pick<Tile, "hashes">>> {
  const out = new Map<string, Pick<Tile, "hashes">>();
  if (refs.length === 0) return out;
  const found = await db
    .select({ level: auditLogTiles.level, idx: auditLogTiles.idx, hashes: auditLogTiles.hashes })
    .from(auditLogTiles)
    .where(or(...refs.map((r) => and(eq(auditLogTiles.level, r.level), eq(auditLogTiles.idx, r.idx)))));
  for (const t of found) out.set(tileKey(t), t);
  return out;
}

/**
 * Runs a proof or root computation over the stored tree: the tiles it needs are named by a dry
 * run and read in one query, so a proof costs one round trip whatever the tree's size.
 */
export async function overTiles<T>(db: Executor, compute: (tree: Subtrees) => T): Promise<T> {
  return compute(tileTree(await readTileHashes(db, tilesRead(compute))));
}

/**
 * The leaf index of the event with `seq`, or null when it is not in the tree yet: its position in
 * the seqs of the level-0 tile with the greatest first_seq ≤ seq, found in the database.
 */
export async function leafIndexOf(db: Executor, seq: number): Promise<number | null> {
  const [t] = await db
    .select({ leaf: sql<unknown>`${auditLogTiles.idx} * ${TILE_WIDTH} + array_position(${auditLogTiles.seqs}, ${seq}::bigint) - 1` })
    .from(auditLogTiles)
    .where(and(eq(auditLogTiles.level, 0), lte(auditLogTiles.firstSeq, seq)))
    .orderBy(desc(auditLogTiles.firstSeq))
    .limit(1);
  return t?.leaf === null || t?.leaf === undefined ? null : Number(t.leaf);
}
