// A valid evidence bundle (warden-audit-bundle/1, docs/audit-log.md) of n events, for the offline
// verifier's benchmark, written with the pure modules as sdk/audit/verify.test.ts builds its
// bundles: no server, no database. The events look like the log of a busy install (decision
// events as lib/services/decisions/record.ts writes them, with a person's action now and then),
// chained with lib/audit/chain.ts; each line holds the full audit_events row as the server's
// export writes it (lib/services/audit-log/bundle.ts). The tree is built with the sequencer's own
// tile code (appendLeaves), and a checkpoint is signed every `checkpointEvery` events, as the
// checkpointer would on a log growing by that much between checkpoints.
import fs from "node:fs";
import path from "node:path";
import { chainHash, eventPayload, GENESIS_HASH } from "../lib/audit/chain";
import { consistencyProof, leafHash, rootHash, type Hash } from "../lib/audit/log/merkle";
import { checkpointText, generateSigner, signNote, type Signer } from "../lib/audit/log/note";
import { rangeProof } from "../lib/audit/log/range";
import { appendLeaves, leafRun, tileKey, tileTree, TILE_WIDTH, type Tile } from "../lib/audit/log/tiles";

export const BENCH_ORIGIN = "warden.bench/audit";

/** Grows a tree in the tlog-tiles layout leaf batch by leaf batch, with the sequencer's appendLeaves. */
export class TileBuilder {
  /** From an empty tree, or from one of `size` leaves whose open tiles (tiles.ts openTiles) are given. */
  constructor(
    public size = 0,
    private readonly open = new Map<string, Tile>(),
  ) {}

  /** Appends leaves; returns the tiles that are now full (they never change again). */
  append(leaves: readonly { hash: Hash; seq: number }[]): Tile[] {
    const full: Tile[] = [];
    for (const t of appendLeaves(this.size, this.open, leafRun(leaves))) {
      if (t.hashes.length === TILE_WIDTH * 32) {
        full.push(t);
        this.open.delete(tileKey(t));
      } else this.open.set(tileKey(t), t);
    }
    this.size += leaves.length;
    return full;
  }

  /** The partial tiles, one per level at most: the last of each level. */
  partial(): Tile[] {
    return [...this.open.values()];
  }
}

const uuid = (kind: number, n: number) => `0190${kind.toString(16).padStart(4, "0")}-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;
const OUTCOMES = ["allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "deny", "escalate"] as const;
const REASONS = { allow: [], deny: ["policy.forbid"], escalate: ["intent.operation_not_declared", "policy.escalate"] } as const;

/** The i-th event's chained fields: mostly an agent's decision, every 500th a person's action. */
export function benchEvent(i: number, t0: number) {
  const agent = i % 20;
  const occurredAt = new Date(t0 + i * 40);
  if (i % 500 === 499) {
    return {
      id: uuid(1, i), occurredAt, actorKind: "person" as const, actorId: uuid(2, i % 7), actorLabel: `analyst-${i % 7}@example.com`, action: "escalation.approved",
      targetKind: "escalation", targetId: uuid(3, i), agentId: uuid(4, agent), sessionId: uuid(5, Math.floor(i / 1700)),
      detail: { scope: "once", reason: "reviewed the diff: the write stays inside the declared bucket", escalationId: uuid(3, i) },
      requestId: uuid(6, i), ip: "10.20.30.40",
    };
  }
  const outcome = OUTCOMES[i % OUTCOMES.length];
  return {
    id: uuid(1, i), occurredAt, actorKind: "agent" as const, actorId: uuid(4, agent), actorLabel: `agent-${agent}`, action: `decision.${outcome}`,
    targetKind: "decision", targetId: uuid(7, i), agentId: uuid(4, agent), sessionId: uuid(5, Math.floor(i / 1700)),
    detail: { action: `connector-${i % 10}:tool-${i % 7}.${["read", "list", "write", "delete", "send"][i % 5]}`, resource: i % 3 ? `s3://bench-bucket/reports/${i % 1000}.csv` : null, reasons: REASONS[outcome], policyVersion: "v12" },
    requestId: uuid(6, i), ip: `10.0.${agent}.${i % 250}`,
  };
}

/** Writes the bundle to `file` and the checkpoints' verifier key to `keyFile`; returns the event count. */
export async function writeBundle(file: string, keyFile: string, n: number, checkpointEvery = 10_000): Promise<{ signer: Signer; bytes: number }> {
  const signer = generateSigner(BENCH_ORIGIN, Buffer.alloc(32, 7));
  const t0 = Date.UTC(2026, 10, 1);
  // Pass 1: the events, hashed onto the chain, to a scratch file; their leaves into the tiles.
  const scratch = `${file}.events`;
  const fd = fs.openSync(scratch, "w");
  const tiles = new Map<string, Tile>();
  const builder = new TileBuilder();
  let prev = GENESIS_HASH;
  let lines: string[] = [];
  let leaves: { hash: Hash; seq: number }[] = [];
  for (let i = 0; i < n; i++) {
    const e = benchEvent(i, t0);
    const hash = chainHash(prev, eventPayload(e));
    const seq = i + 1 + 2 * Math.floor(i / 1000); // rolled-back writes leave gaps in seq
    lines.push(JSON.stringify({ event: { seq, ...e, occurredAt: e.occurredAt.toISOString(), prevHash: prev, hash, leaf: i } }));
    leaves.push({ hash: leafHash(Buffer.from(hash, "hex")), seq });
    prev = hash;
    if (leaves.length === TILE_WIDTH * TILE_WIDTH || i === n - 1) {
      for (const t of builder.append(leaves)) tiles.set(tileKey(t), t);
      leaves = [];
    }
    if (lines.length === 10_000 || i === n - 1) {
      fs.writeSync(fd, lines.join("\n") + "\n");
      lines = [];
    }
  }
  fs.closeSync(fd);
  for (const t of builder.partial()) tiles.set(tileKey(t), t);
  const tree = tileTree(tiles);

  // Pass 2: header, keys, checkpoints with their consistency proofs, the events, the range proof.
  const sizes: number[] = [];
  for (let s = checkpointEvery; s < n; s += checkpointEvery) sizes.push(s);
  sizes.push(n);
  const head = [
    JSON.stringify({ format: "warden-audit-bundle/1", origin: signer.name, from: new Date(0).toISOString(), to: new Date(t0 + n * 40).toISOString(), createdAt: new Date(t0 + n * 40 + 1000).toISOString(), firstLeaf: 0, endLeaf: n, treeSize: n }),
    JSON.stringify({ keys: [signer.text] }),
  ];
  sizes.forEach((s, k) => {
    const time = Math.floor((t0 + s * 40) / 1000) + 1;
    head.push(JSON.stringify({ checkpoint: signNote(checkpointText({ origin: signer.name, size: s, root: rootHash(tree, s), extensions: [`time ${time}`] }), [signer]) }));
    if (k + 1 < sizes.length) head.push(JSON.stringify({ consistency: { from: s, to: sizes[k + 1], proof: consistencyProof(tree, s, sizes[k + 1]).map((h) => h.toString("base64")) } }));
  });
  fs.writeFileSync(file, head.join("\n") + "\n");
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file, { flags: "a" });
    fs.createReadStream(scratch).on("error", reject).pipe(out).on("finish", resolve).on("error", reject);
  });
  fs.rmSync(scratch);
  fs.appendFileSync(file, JSON.stringify({ range: { start: 0, end: n, size: n, proof: rangeProof(tree, 0, n, n).map((h) => h.toString("base64")) } }) + "\n");
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  fs.writeFileSync(keyFile, signer.text + "\n");
  return { signer, bytes: fs.statSync(file).size };
}
