import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { consistencyProof, leafHash, memoryTree, rootHash } from "./merkle";
import { checkpointText, cosignatureVerifier, cosignedAt, generateSigner, parseNote, signNote } from "./note";
import { addCheckpointBody, checkAddCheckpoint, judgeAddCheckpoint, parseAddCheckpoint, SIZE_CONTENT_TYPE, type AddCheckpoint } from "./witness-protocol";

const log = generateSigner("example.com/log", randomBytes(32));
const witness = generateSigner("witness.example/w1", randomBytes(32));
const leaves = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
const tree = memoryTree(leaves);
const note = (size: number, signer = log, root = rootHash(tree, size)) =>
  signNote(checkpointText({ origin: signer.name, size, root, extensions: ["time 1765000000"] }), [signer]);
const request = (old: number, size: number, n = note(size)) => parseAddCheckpoint(addCheckpointBody({ old, proof: consistencyProof(tree, old, size), note: n }));
/** The witness's whole answer: the stateless checks, then the verdict against its state. */
const judge = (req: AddCheckpoint, state: { size: number; root: Buffer } | null) => {
  const checked = checkAddCheckpoint(req, [log]);
  return "checkpoint" in checked ? judgeAddCheckpoint(checked, state, witness, 1_765_000_100) : checked;
};

describe("tlog-witness add-checkpoint", () => {
  it("reads back the body it writes, in the spec's layout", () => {
    const body = addCheckpointBody({ old: 17, proof: consistencyProof(tree, 17, 33), note: note(33) });
    const lines = body.split("\n");
    expect(lines[0]).toBe("old 17");
    const proofLines = lines.slice(1, lines.indexOf(""));
    expect(proofLines.length).toBe(consistencyProof(tree, 17, 33).length);
    expect(body.slice(body.indexOf("\n\n") + 2)).toBe(note(33));
    const parsed = parseAddCheckpoint(body);
    expect(parsed.old).toBe(17);
    expect(parsed.proof.map((h) => h.toString("base64"))).toEqual(proofLines);
  });

  it.each([
    ["no blank line", "old 0\nexample.com/log\n"],
    ["no old line", "new 0\n\n" + "x"],
    ["a leading zero", "old 012\n\nx"],
    ["a proof line that is not a hash", "old 3\nnot-base64!\n\nx"],
    ["64 proof lines", `old 3\n${`${Buffer.alloc(32).toString("base64")}\n`.repeat(64)}\nx`],
  ])("refuses a malformed body: %s", (_, body) => {
    expect(() => parseAddCheckpoint(body)).toThrow();
  });

  it("cosigns a first checkpoint (old 0, empty proof) with a cosignature the log can verify", () => {
    const a = judge(request(0, 20), null);
    expect(a.status).toBe(200);
    if (a.status !== 200) return;
    expect(a.checkpoint.size).toBe(20);
    // The client appends the answer to its note and checks it with the witness's key.
    expect(cosignedAt(parseNote(note(20) + a.body), cosignatureVerifier(witness))).toBe(1_765_000_100);
  });

  it("cosigns a larger checkpoint whose consistency proof extends what it holds", () => {
    const a = judge(request(20, 33), { size: 20, root: rootHash(tree, 20) });
    expect(a.status).toBe(200);
  });

  it("answers 409 with its own size when old is not the size it last cosigned", () => {
    const a = judge(request(10, 33), { size: 20, root: rootHash(tree, 20) });
    expect(a).toMatchObject({ status: 409, size: 20, body: "20\n" });
    expect(SIZE_CONTENT_TYPE).toBe("text/x.tlog.size");
    // A log rolled back below what the witness holds learns the witness's larger size.
    expect(judge(request(0, 15), { size: 20, root: rootHash(tree, 20) })).toMatchObject({ status: 409, size: 20 });
  });

  it("answers 422 when the new tree does not extend the one it cosigned (a rewrite)", () => {
    const rewritten = memoryTree([...leaves.slice(0, 5), leafHash(Buffer.from("changed")), ...leaves.slice(6)]);
    const forged = signNote(checkpointText({ origin: log.name, size: 33, root: rootHash(rewritten, 33), extensions: [] }), [log]);
    const req = parseAddCheckpoint(addCheckpointBody({ old: 20, proof: consistencyProof(rewritten, 20, 33), note: forged }));
    expect(judge(req, { size: 20, root: rootHash(tree, 20) }).status).toBe(422);
    // And a proof that is not for these roots at all.
    expect(judge({ ...request(20, 33), proof: consistencyProof(tree, 19, 33) }, { size: 20, root: rootHash(tree, 20) }).status).toBe(422);
  });

  it("answers 409 without a size for the same size with another root", () => {
    const other = note(20, log, rootHash(memoryTree(leaves.slice().reverse()), 20));
    expect(judge(request(20, 20, other), { size: 20, root: rootHash(tree, 20) })).toMatchObject({ status: 409, size: null });
    expect(judge(request(20, 20), { size: 20, root: rootHash(tree, 20) }).status).toBe(200);
  });

  it("answers 404 for a log it does not witness, 403 for a key it does not trust, 400 for old > size", () => {
    const stranger = generateSigner("other.example/log", randomBytes(32));
    expect(judge(request(0, 20, note(20, stranger)), null).status).toBe(404);
    const impostor = generateSigner(log.name, randomBytes(32));
    expect(judge(request(0, 20, note(20, impostor)), null).status).toBe(403);
    expect(judge({ old: 30, proof: [], note: note(20) }, null).status).toBe(400);
    expect(judge({ old: 0, proof: [], note: "garbled\n" }, null).status).toBe(400);
  });
});
