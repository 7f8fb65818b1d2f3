import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { consistencyProof, inclusionProof, leafHash, memoryTree, rootHash } from "./merkle";
import { appendLeaves, leafRun, openTiles, tileKey, tilesRead, tileTree, type Tile } from "./tiles";

const leaf = (i: number) => leafHash(createHash("sha256").update(String(i)).digest());

/** Grows a tile store by appending in the chunk sizes given, as the sequencer does pass by pass. */
function grow(chunks: number[]) {
  const store = new Map<string, Tile>();
  let size = 0;
  for (const n of chunks) {
    const open = new Map(openTiles(size).map((r) => [tileKey(r), store.get(tileKey(r))!]));
    for (const t of open.values()) expect(t).toBeDefined();
    const leaves = Array.from({ length: n }, (_, i) => ({ hash: leaf(size + i), seq: 10 + 2 * (size + i) }));
    for (const t of appendLeaves(size, open, leafRun(leaves))) store.set(tileKey(t), t);
    size += n;
  }
  return { store, size };
}

describe("tiles", () => {
  it("give the same roots and proofs as the in-memory tree, across tile and level boundaries", () => {
    const { store, size } = grow([1, 254, 1, 300, 256, 65536 - 812, 3, 700]);
    const mem = memoryTree(Array.from({ length: size }, (_, i) => leaf(i)));
    const tiles = tileTree(store);
    for (const n of [1, 255, 256, 257, 556, 812, 65535, 65536, 65537, size]) {
      expect(rootHash(tiles, n).equals(rootHash(mem, n)), `root ${n}`).toBe(true);
    }
    for (const [i, n] of [[0, size], [256, size], [65535, 65536], [size - 1, size], [700, 1000]]) {
      expect(inclusionProof(tiles, i, n)).toEqual(inclusionProof(mem, i, n));
    }
    expect(consistencyProof(tiles, 300, size)).toEqual(consistencyProof(mem, 300, size));
    // A second level exists: 65536 leaves filled level-1 tile 0.
    expect(store.get("2/0")?.hashes.length).toBe(32);
  });

  it("keep each leaf's seq in its level-0 tile", () => {
    const { store } = grow([100, 200]);
    const t1 = store.get("0/1")!;
    expect(t1.seqs).toHaveLength(44);
    expect(t1.firstSeq).toBe(10 + 2 * 256);
    expect(store.get("0/0")!.seqs![255]).toBe(10 + 2 * 255);
  });

  it("name the tiles a proof reads, without reading them", () => {
    const refs = tilesRead((tree) => inclusionProof(tree, 5, 70_000));
    expect(refs.map(tileKey).sort()).toContain("0/0");
    expect(refs.length).toBeLessThanOrEqual(8);
  });

  it("refuse an append that does not start where the tile ends", () => {
    expect(() => appendLeaves(3, new Map(), leafRun([{ hash: leaf(0), seq: 1 }]))).toThrow(/expected 3/);
  });
});
