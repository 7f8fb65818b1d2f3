import { verifyConsistency, type Hash } from "./merkle";
import { cosign, parseCheckpoint, parseNote, signedBy, type Checkpoint, type Signer, type Verifier } from "./note";

// The C2SP tlog-witness protocol (c2sp.org/tlog-witness), both ends, without I/O:
// `POST <prefix>/add-checkpoint` with "old <size>", up to 63 consistency-proof lines, a blank
// line and the signed checkpoint; the witness answers 200 with its cosignature lines, or a status
// the spec assigns to each refusal. The log side (lib/services/audit-log/witness.ts) and the
// witness side (lib/services/witness/add-checkpoint.ts) both build on this file.

export const MAX_PROOF_LINES = 63;
/** A checkpoint note with a few signatures fits easily; anything larger is refused unread. */
export const MAX_ADD_CHECKPOINT_BYTES = 16 * 1024;
export const SIZE_CONTENT_TYPE = "text/x.tlog.size";

export type AddCheckpoint = { old: number; proof: Hash[]; note: string };

/** The request body for add-checkpoint. */
export function addCheckpointBody(req: AddCheckpoint): string {
  if (req.proof.length > MAX_PROOF_LINES) throw new RangeError(`a consistency proof has at most ${MAX_PROOF_LINES} hashes`);
  return `old ${req.old}\n${req.proof.map((h) => `${h.toString("base64")}\n`).join("")}\n${req.note}`;
}

/** Reads an add-checkpoint body; throws with the reason when it is malformed (the witness's 400). */
export function parseAddCheckpoint(body: string): AddCheckpoint {
  const blank = body.indexOf("\n\n");
  if (blank < 0) throw new Error("expected an old size line, proof lines, a blank line and the checkpoint");
  const [oldLine, ...proofLines] = body.slice(0, blank).split("\n");
  const m = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw new Error(`the first line must be "old <size>", not "${oldLine.slice(0, 40)}"`);
  if (proofLines.length > MAX_PROOF_LINES) throw new Error(`more than ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = proofLines.map((line, i) => {
    const h = Buffer.from(line, "base64");
    if (h.length !== 32 || h.toString("base64") !== line) throw new Error(`consistency proof line ${i + 1} is not a base64 SHA-256 hash`);
    return h;
  });
  return { old: Number(m[1]), proof, note: body.slice(blank + 2) };
}

/** What the witness holds for a log: the latest checkpoint it cosigned. */
export type WitnessedState = { size: number; root: Hash };

/** A request whose checkpoint is signed by a key the witness trusts for its log. */
export type CheckedRequest = AddCheckpoint & { checkpoint: Checkpoint; noteText: string };

export type Refusal = { status: 400 | 403 | 404; body: string };

export type WitnessAnswer =
  | { status: 200; checkpoint: Checkpoint; body: string }
  | { status: 422; body: string }
  /** `size` set: the old size is not the witness's; the body is that size (text/x.tlog.size). */
  | { status: 409; body: string; size: number | null };

/**
 * What the witness can refuse without its stored state, in the spec's order: a signed checkpoint
 * (400), a known origin (404), a signature by a trusted key for it (403), old ≤ size (400). The
 * endpoint is open to anyone, so these are answered before the state is read.
 */
export function checkAddCheckpoint(req: AddCheckpoint, logKeys: readonly Verifier[]): CheckedRequest | Refusal {
  let note;
  let checkpoint: Checkpoint;
  try {
    note = parseNote(req.note);
    checkpoint = parseCheckpoint(note.text);
  } catch (err) {
    return { status: 400, body: `not a signed checkpoint: ${(err as Error).message}\n` };
  }
  const keys = logKeys.filter((k) => k.name === checkpoint.origin);
  if (keys.length === 0) return { status: 404, body: `this witness does not witness the log "${checkpoint.origin}"\n` };
  if (!keys.some((k) => signedBy(note, k))) return { status: 403, body: `the checkpoint is not signed by a key this witness trusts for "${checkpoint.origin}"\n` };
  if (req.old > checkpoint.size) return { status: 400, body: `old size ${req.old} is larger than the checkpoint's ${checkpoint.size}\n` };
  return { ...req, checkpoint, noteText: note.text };
}

/**
 * The verdict on a checked request against what the witness holds for its log: old = the size
 * last cosigned (409 with that size), the same root when the size did not change (409), a
 * consistency proof that verifies (422). On 200 the caller must store `checkpoint` as the new
 * state atomically with the check.
 */
export function judgeAddCheckpoint(req: CheckedRequest, state: WitnessedState | null, witness: Signer, nowSeconds: number): WitnessAnswer {
  const { checkpoint } = req;
  const known = state?.size ?? 0;
  if (req.old !== known) return { status: 409, body: `${known}\n`, size: known };
  if (state && state.size === checkpoint.size) {
    if (!state.root.equals(checkpoint.root)) return { status: 409, body: `the root differs from the one cosigned at size ${state.size}\n`, size: null };
  } else if (state && !verifyConsistency(state.size, checkpoint.size, req.proof, state.root, checkpoint.root)) {
    return { status: 422, body: `the checkpoint at size ${checkpoint.size} is not consistent with the one cosigned at size ${state.size}\n` };
  } else if (!state && req.proof.length > 0) {
    return { status: 422, body: "the consistency proof must be empty when the old size is 0\n" };
  }
  return { status: 200, checkpoint, body: cosign(req.noteText, witness, nowSeconds) };
}
