// The verification core on bundles built here from the pure modules (no server, no database):
// an intact bundle passes, and each kind of damage is named.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { eventHash, GENESIS_HASH } from "../../lib/audit/chain";
import { consistencyProof, leafHash, memoryTree, rootHash } from "../../lib/audit/log/merkle";
import { checkpointText, generateSigner, signNote, type Signer } from "../../lib/audit/log/note";
import { rangeProof } from "../../lib/audit/log/range";
import { BadInput } from "./checkpoints";
import { EventCheck, type LogEvent } from "./events";
import { verifyBundle } from "./run";
import { IncrementalTree, RangeLeaves } from "./tree";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "warden-audit-unit-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const signer = generateSigner("warden.test/audit", randomBytes(32));

function makeLog(n: number): LogEvent[] {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const e = {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), actorKind: "system", actorId: null,
      actorLabel: "test", action: "test.event", targetKind: null, targetId: null, agentId: null, sessionId: null, detail: { i }, requestId: null, ip: null,
    };
    const hash = eventHash(prev, e);
    const out = { ...e, seq: i + 1, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

function bundle(events: LogEvent[], o: { first: number; end: number; sizes: number[]; edit?: (lines: string[]) => void; signerAt?: (size: number) => Signer }) {
  const leaves = events.map((e) => leafHash(Buffer.from(e.hash, "hex")));
  const tree = memoryTree(leaves);
  const size = o.sizes[o.sizes.length - 1];
  const by = o.signerAt ?? (() => signer);
  const cp = (s: number) => signNote(checkpointText({ origin: by(s).name, size: s, root: rootHash(tree, s), extensions: ["time 1"] }), [by(s)]);
  const lines = [
    JSON.stringify({ format: "warden-audit-bundle/1", origin: by(size).name, from: "", to: "", createdAt: new Date(0).toISOString(), firstLeaf: o.first, endLeaf: o.end, treeSize: size }),
    JSON.stringify({ keys: [...new Set(o.sizes.map((s) => by(s).text))] }),
  ];
  o.sizes.forEach((s, i) => {
    lines.push(JSON.stringify({ checkpoint: cp(s) }));
    const next = o.sizes[i + 1];
    if (next) lines.push(JSON.stringify({ consistency: { from: s, to: next, proof: consistencyProof(tree, s, next).map((h) => h.toString("base64")) } }));
  });
  for (let i = o.first; i < o.end; i++) lines.push(JSON.stringify({ event: { ...events[i], occurredAt: events[i].occurredAt.toISOString(), leaf: i } }));
  lines.push(JSON.stringify({ range: { start: o.first, end: o.end, size, proof: rangeProof(tree, o.first, o.end, size).map((h) => h.toString("base64")) } }));
  o.edit?.(lines);
  const file = path.join(tmp, `${randomBytes(4).toString("hex")}.ndjson`);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

const verify = (file: string) => verifyBundle(file, { publicKeys: [], quiet: true });
const eventLine = (lines: string[], leaf: number) => lines.findIndex((l) => l.includes(`"leaf":${leaf}}`));

describe("the tree rebuilt while streaming", () => {
  it("gives the RFC 6962 root at every size, from leaf 0 and over a range", () => {
    const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from([i])));
    const t = new IncrementalTree();
    const ref = memoryTree(leaves);
    for (let n = 0; n <= 70; n++) {
      expect(t.root().equals(rootHash(ref, n))).toBe(true);
      if (n < 70) t.push(leaves[n]);
    }
    const r = new RangeLeaves(5);
    for (let i = 5; i < 69; i++) r.push(leaves[i]);
    expect(r.hash(8, 8).equals(ref(3, 1))).toBe(true);
    expect(r.hash(32, 32).equals(ref(5, 1))).toBe(true);
  });

  it("names the first bad event and which check it fails", () => {
    const log = makeLog(6);
    const check = new EventCheck(0, { prevHash: GENESIS_HASH });
    for (const e of [log[0], log[1], { ...log[2], actorLabel: "x" }, log[3], log[4], log[5]]) check.add(e);
    expect(check.first()).toMatchObject({ seq: 3, check: "payload hash" });
    const swapped = new EventCheck(0, { prevHash: GENESIS_HASH });
    for (const e of [log[0], log[2], log[1], log[3]]) swapped.add(e);
    expect(swapped.first()).toMatchObject({ seq: 3, check: "order" });
  });
});

describe("verifyBundle", () => {
  const log = makeLog(40);

  it("an intact bundle, whole or a range, is intact (keys only from the bundle are self-asserted)", async () => {
    for (const [first, end] of [[0, 40], [7, 29], [40, 40]]) {
      const r = await verify(bundle(log, { first, end, sizes: [5, 20, 40] }));
      expect(r.text).toMatch(/^intact/);
      expect(r.text).toMatch(/self-asserted/);
      expect(r.ok).toBe(true);
    }
  });

  it("a changed event, a dropped event, or a checkpoint that does not extend the last: not intact", async () => {
    const changed = bundle(log, { first: 7, end: 29, sizes: [5, 20, 40], edit: (l) => (l[eventLine(l, 12)] = l[eventLine(l, 12)].replace('"actorLabel":"test"', '"actorLabel":"evil"')) });
    expect((await verify(changed)).text).toMatch(/event seq 13 .*payload hash/);
    const dropped = bundle(log, { first: 7, end: 29, sizes: [5, 20, 40], edit: (l) => l.splice(eventLine(l, 12), 1) });
    const d = await verify(dropped);
    expect(d.ok).toBe(false);
    expect(d.text).toMatch(/event seq 14 .*(chain link|order)/);
    const forked = bundle(log, { first: 0, end: 40, sizes: [5, 20, 40], edit: (l) => (l[2] = JSON.stringify({ checkpoint: signNote(checkpointText({ origin: signer.name, size: 5, root: Buffer.alloc(32, 1), extensions: [] }), [signer]) })) });
    expect((await verify(forked)).text).toMatch(/not consistent|rewritten/);
  });

  it("on hashing workers, every bundle gets the very verdict or error it gets on one thread", async () => {
    const swap = (l: string[], a: number, b: number) => {
      const [i, j] = [eventLine(l, a), eventLine(l, b)];
      [l[i], l[j]] = [l[j], l[i]];
    };
    const cases: Record<string, Parameters<typeof bundle>[1]> = {
      intact: { first: 0, end: 40, sizes: [5, 20, 40] },
      range: { first: 7, end: 29, sizes: [5, 20, 40] },
      "blank lines and CRLF": {
        first: 0, end: 40, sizes: [40], edit: (l) => {
          l.splice(eventLine(l, 9), 0, "", "  ", "\r");
          l[eventLine(l, 20)] += "\r";
        },
      },
      changed: { first: 0, end: 40, sizes: [40], edit: (l) => (l[eventLine(l, 30)] = l[eventLine(l, 30)].replace('"actorLabel":"test"', '"actorLabel":"evil"')) },
      "bad hash": { first: 0, end: 40, sizes: [40], edit: (l) => (l[eventLine(l, 3)] = l[eventLine(l, 3)].replace(/"hash":"[0-9a-f]+"/, '"hash":"XYZ"')) },
      dropped: { first: 0, end: 40, sizes: [40], edit: (l) => l.splice(eventLine(l, 12), 1) },
      swapped: { first: 0, end: 40, sizes: [40], edit: (l) => swap(l, 14, 25) },
      "not JSON": { first: 0, end: 40, sizes: [40], edit: (l) => (l[eventLine(l, 33)] = "{not json") },
      "no id": { first: 0, end: 40, sizes: [40], edit: (l) => (l[eventLine(l, 17)] = l[eventLine(l, 17)].replace('"id":', '"idx":')) },
      "bad time": { first: 0, end: 40, sizes: [40], edit: (l) => (l[eventLine(l, 18)] = l[eventLine(l, 18)].replace(/\.000Z"/, 'Z"')) },
      "not an event": { first: 0, end: 40, sizes: [40], edit: (l) => l.splice(eventLine(l, 22), 0, '{"something":"else"}') },
      "after the range": { first: 0, end: 40, sizes: [40], edit: (l) => l.push(l[eventLine(l, 2)]) },
      truncated: { first: 0, end: 40, sizes: [40], edit: (l) => l.pop() },
      "no newline at the end": { first: 0, end: 40, sizes: [40], edit: (l) => (l[l.length - 1] += "\u0000") },
    };
    const results: Record<string, string> = {};
    const outcome = (p: Promise<unknown>) => p.then((r) => ({ r }), (err: Error) => ({ err: `${err.constructor.name}: ${err.message}` }));
    for (const [name, c] of Object.entries(cases)) {
      const file = bundle(log, c);
      if (name === "no newline at the end") fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/\u0000\n$/, ""));
      const alone = await outcome(verify(file));
      // Blocks of about two events, several in flight on each worker; and chunks shorter than a line.
      for (const chunkBytes of name === "intact" ? [300, 1000] : [1000]) {
        const parallel = await outcome(verifyBundle(file, { publicKeys: [], quiet: true, workers: 2, reading: { parallelFrom: 0, chunkBytes } }));
        expect(parallel, `${name}, ${chunkBytes}-byte chunks`).toEqual(alone);
      }
      results[name] = "err" in alone ? alone.err : (alone.r as { text: string }).text.split("\n")[0];
    }
    expect(results).toMatchObject({
      intact: expect.stringMatching(/^intact/), range: expect.stringMatching(/^intact/), "blank lines and CRLF": expect.stringMatching(/^intact/),
      changed: expect.stringMatching(/seq 31 .*payload hash/), "bad hash": expect.stringMatching(/seq 4 .*not 64 hex/), dropped: expect.stringMatching(/seq 14 .*(chain link|order)/),
      swapped: expect.stringMatching(/seq 26 .*leaf 14.*order/), "not JSON": expect.stringMatching(/BadInput: .*line \d+ is not JSON/), "no id": expect.stringMatching(/BadInput: .*has no id/),
      "bad time": expect.stringMatching(/BadInput: .*not an ISO time/), "not an event": expect.stringMatching(/BadInput: .*expected an event/),
      "after the range": expect.stringMatching(/BadInput: .*follows the range proof/), truncated: expect.stringMatching(/BadInput: .*truncated/),
      "no newline at the end": expect.stringMatching(/^intact/),
    });
  });

  it("garbled, foreign and truncated bundles are BadInput", async () => {
    const garbled = bundle(log, { first: 0, end: 4, sizes: [40], edit: (l) => (l[2] = JSON.stringify({ checkpoint: "garbage\n" })) });
    await expect(verify(garbled)).rejects.toThrow(/garbled checkpoint/);
    const truncated = bundle(log, { first: 0, end: 40, sizes: [40], edit: (l) => l.pop() });
    await expect(verify(truncated)).rejects.toThrow(/truncated/);
    const foreign = path.join(tmp, "foreign.json");
    fs.writeFileSync(foreign, '{"hello":"world"}\n');
    await expect(verify(foreign)).rejects.toBeInstanceOf(BadInput);
  });

  it("a log restarted under a new origin (a restore): intact when each origin's key is trusted, and said so", async () => {
    const restarted = generateSigner("warden.test/audit-restored", randomBytes(32));
    const signerAt = (s: number) => (s <= 20 ? signer : restarted);
    const file = bundle(log, { first: 0, end: 40, sizes: [5, 20, 30, 40], signerAt });
    const keys = (...ss: Signer[]) => ss.map((k, i) => {
      const f = path.join(tmp, `${randomBytes(4).toString("hex")}-${i}.pub`);
      fs.writeFileSync(f, k.text + "\n");
      return f;
    });
    const both = await verifyBundle(file, { publicKeys: keys(signer, restarted), quiet: true });
    expect(both.ok).toBe(true);
    expect(both.text).toContain('the log changed its origin: its checkpoints are "warden.test/audit" (sizes 5–20), then "warden.test/audit-restored" (sizes 30–40)');
    const newOnly = await verifyBundle(file, { publicKeys: keys(restarted), quiet: true });
    expect(newOnly.ok).toBe(false);
    expect(newOnly.text).toMatch(/checkpoint of size 5 .*not signed by a trusted key/);
    // A key vouches only for checkpoints named for it: the old key cannot sign for the new origin.
    const root = rootHash(memoryTree(log.map((e) => leafHash(Buffer.from(e.hash, "hex")))), 40);
    const forged = signNote(checkpointText({ origin: restarted.name, size: 40, root, extensions: [] }), [signer]);
    const crossed = bundle(log, { first: 0, end: 40, sizes: [5, 40], signerAt, edit: (l) => (l[4] = JSON.stringify({ checkpoint: forged })) });
    const c = await verifyBundle(crossed, { publicKeys: keys(signer, restarted), quiet: true });
    expect(c.ok).toBe(false);
    expect(c.text).toMatch(/size 40 .*not signed by a trusted key/);
  });
});
