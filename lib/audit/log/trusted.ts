import { parseCheckpoint, parseNote, signedBy, type Checkpoint, type Verifier } from "./note";

export type TrustedCheckpoint = { ok: true; checkpoint: Checkpoint; keyId: string } | { ok: false; problem: string };

/**
 * A stored or witnessed checkpoint note, accepted only when one of the trusted keys signed it
 * for this origin. Whoever can write the database can write a note too: a note signed by some
 * other key proves nothing, however well-formed it is.
 */
export function trustedCheckpoint(serialised: string, trusted: readonly Verifier[], origin: string): TrustedCheckpoint {
  let note;
  let checkpoint: Checkpoint;
  try {
    note = parseNote(serialised);
    checkpoint = parseCheckpoint(note.text);
  } catch (err) {
    return { ok: false, problem: `not a checkpoint note: ${(err as Error).message}` };
  }
  if (checkpoint.origin !== origin) return { ok: false, problem: `a checkpoint of another log ("${checkpoint.origin}")` };
  const by = trusted.find((v) => v.name === origin && signedBy(note, v));
  if (!by) {
    const ids = note.signatures.map((s) => s.keyId).join(", ");
    return { ok: false, problem: `not signed by a trusted key (signature key ids: ${ids})` };
  }
  return { ok: true, checkpoint, keyId: by.keyId };
}

/** The `time <unix seconds>` extension line of a checkpoint, when it has one. */
export function checkpointTime(c: Checkpoint): number | null {
  const line = c.extensions.find((l) => /^time \d+$/.test(l));
  return line ? Number(line.slice(5)) : null;
}
