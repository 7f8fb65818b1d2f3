import { and, desc, eq, lte, or, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
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
