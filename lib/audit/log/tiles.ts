import { foldRun, nodeHash, type Hash, type Subtrees } from "./merkle";

// The C2SP tlog-tiles layout (height 8) the server stores the tree in, as pure functions: which
// tile holds a subtree's hash, how a tree grows by appending leaves, and a `Subtrees` over tiles.
// Tile (level L, idx i) holds the hashes of the complete subtrees of height 8·L numbered
// 256·i … 256·i+255; a full tile's root is the next entry one level up.

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 1 << TILE_HEIGHT;

export type Tile = { level: number; idx: number; hashes: Buffer; firstSeq: number | null; seqs: number[] | null };
export type TileRef = { level: number; idx: number };
export const tileKey = (t: TileRef) => `${t.level}/${t.idx}`;

const entry = (tile: Buffer, i: number) => tile.subarray(i * 32, i * 32 + 32);

/** Hashes a run of 2^r entries into the root of their complete subtree. */
export function fold(hashes: Hash[]): Hash {
  let row = hashes;
  while (row.length > 1) {
    const up: Hash[] = [];
    for (let i = 0; i < row.length; i += 2) up.push(nodeHash(row[i], row[i + 1]));
    row = up;
  }
  return row[0];
}

/** Where the subtree at tree level `l`, index `n` lives: a run of 2^(l mod 8) entries of one tile. */
export function subtreeLocation(l: number, n: number): TileRef & { from: number; count: number } {
  const level = Math.floor(l / TILE_HEIGHT);
  const count = 2 ** (l % TILE_HEIGHT);
  const first = n * count;
  return { level, idx: Math.floor(first / TILE_WIDTH), from: first % TILE_WIDTH, count };
}

/** Subtree hashes read from the tiles given (keyed by tileKey), each fold computed once. */
export function tileTree(tiles: ReadonlyMap<string, Pick<Tile, "hashes">>): Subtrees {
  const memo = new Map<string, Hash>();
  return (l, n) => {
    const k = `${l}/${n}`;
    let h = memo.get(k);
    if (h) return h;
    const at = subtreeLocation(l, n);
    const tile = tiles.get(tileKey(at));
    if (!tile || tile.hashes.length < (at.from + at.count) * 32) throw new RangeError(`no complete subtree at level ${l}, index ${n}`);
    h = fold(Array.from({ length: at.count }, (_, i) => entry(tile.hashes, at.from + i)));
    memo.set(k, h);
    return h;
  };
}

/**
 * The tiles a computation over a tree reads. The RFC's recursions depend on sizes and indexes,
 * never on hash values, so a dry run with placeholder hashes names every tile the real run needs:
 * they can then be read in one query and the real run stays synchronous.
 */
export function tilesRead(compute: (tree: Subtrees) => unknown): TileRef[] {
  const seen = new Map<string, TileRef>();
  const zero = Buffer.alloc(32);
  compute((l, n) => {
    const at = subtreeLocation(l, n);
    seen.set(tileKey(at), { level: at.level, idx: at.idx });
    return zero;
  });
  return [...seen.values()];
}

/** The partial tiles (one per level at most) that appending to a tree of `size` leaves grows. */
export function openTiles(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0, entries = size; entries > 0; level++, entries = Math.floor(entries / TILE_WIDTH)) {
    if (entries % TILE_WIDTH) out.push({ level, idx: Math.floor(entries / TILE_WIDTH) });
  }
  return out;
}

/** Leaves to append: their hashes side by side (32 bytes each) and their events' seqs. */
export type LeafRun = { hashes: Buffer; seqs: readonly number[] };

/** A LeafRun from leaves one by one (tests and the benches' builders). */
export const leafRun = (leaves: readonly { hash: Hash; seq: number }[]): LeafRun => ({ hashes: Buffer.concat(leaves.map((l) => l.hash)), seqs: leaves.map((l) => l.seq) });

/**
 * Appends leaves to a tree of `size` leaves whose open tiles are given; a tile that fills up
 * sends its root one level up. Returns every tile that changed. Level by level: each touched
 * tile is its stored entries and the new ones, copied once; no Buffer per hash.
 */
export function appendLeaves(size: number, open: ReadonlyMap<string, Tile>, leaves: LeafRun): Tile[] {
  if (leaves.hashes.length !== leaves.seqs.length * 32) throw new Error(`${leaves.hashes.length} bytes of leaf hashes for ${leaves.seqs.length} seqs`);
  const out: Tile[] = [];
  let entries = leaves.hashes;
  let start = size; // the level's index of the first new entry
  for (let level = 0; entries.length > 0; level++) {
    const n = entries.length / 32;
    const roots: Buffer[] = [];
    for (let i = 0, pos = start; i < n; ) {
      const idx = Math.floor(pos / TILE_WIDTH);
      const off = pos % TILE_WIDTH;
      const take = Math.min(TILE_WIDTH - off, n - i);
      const stored = off > 0 ? open.get(tileKey({ level, idx })) : undefined;
      const held = stored ? stored.hashes.length / 32 : 0;
      if (held !== off) throw new Error(`tile ${level}/${idx} holds ${held} entries, expected ${off}`);
      const hashes = Buffer.concat(stored ? [stored.hashes, entries.subarray(i * 32, (i + take) * 32)] : [entries.subarray(i * 32, (i + take) * 32)]);
      const seqs = level === 0 ? [...(stored?.seqs ?? []), ...leaves.seqs.slice(i, i + take)] : null;
      out.push({ level, idx, hashes, firstSeq: seqs?.[0] ?? null, seqs });
      if (off + take === TILE_WIDTH) roots.push(foldRun(hashes));
      i += take;
      pos += take;
    }
    // Tiles fill in order, and only the first can have started before this pass: the full ones
    // are idx floor(start / 256) onwards, their roots the next level's new entries from there.
    entries = Buffer.concat(roots);
    start = Math.floor(start / TILE_WIDTH);
  }
  return out;
}
