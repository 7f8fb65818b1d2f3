import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCheckpoint, parseNote, parseVerifier, signedBy, type Checkpoint, type Note, type Verifier } from "../../lib/audit/log/note";

// Checkpoints and keys as the verifier meets them: notes from a bundle, the database or a witness
// folder, and the keys it trusts to have signed them. Anything unreadable is BadInput: one line
// that names the file or line and what is wrong with it.

/** Input the verifier cannot work with (not a finding about the log): exit 2, one clear line. */
export class BadInput extends Error {}

export type Source = "bundle" | "database" | "witnessed";

export type SignedCheckpoint = Checkpoint & { where: string; source: Source; note: Note; time: number | null };

export function readCheckpoint(text: string, where: string, source: Source): SignedCheckpoint {
  try {
    const note = parseNote(text);
    const cp = parseCheckpoint(note.text);
    const t = cp.extensions.find((l) => /^time \d+$/.test(l));
    return { ...cp, where, source, note, time: t ? Number(t.slice(5)) : null };
  } catch (err) {
    throw new BadInput(`garbled checkpoint in ${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Verifier strings, one per non-empty line. */
export function parseKeys(text: string, where: string): Verifier[] {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new BadInput(`${where} holds no verifier key`);
  return lines.map((l) => {
    try {
      return parseVerifier(l);
    } catch (err) {
      throw new BadInput(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new BadInput(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export function readKeyFiles(paths: readonly string[]): Verifier[] {
  return paths.flatMap((p) => parseKeys(readText(p, "the key file"), p));
}

/** A witness folder (docs/audit-log.md): checkpoint-<size>.note files and keys/<key id>.pub. */
export function readWitness(dir: string): { checkpoints: SignedCheckpoint[]; keys: Verifier[] } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new BadInput(`cannot read the witness folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const checkpoints = names
    .filter((n) => /^checkpoint-\d+\.note$/.test(n))
    .sort()
    .map((n) => readCheckpoint(readText(join(dir, n), "the witness checkpoint"), join(dir, n), "witnessed"));
  let keyNames: string[] = [];
  try {
    keyNames = readdirSync(join(dir, "keys")).filter((n) => n.endsWith(".pub")).sort();
  } catch {
    // no keys/ folder: the keys must come from --public-key
  }
  const keys = keyNames.flatMap((n) => parseKeys(readText(join(dir, "keys", n), "the witness key"), join(dir, "keys", n)));
  return { checkpoints, keys };
}

export type Trust = { keys: Verifier[]; basis: "given" | "witness" | "self-asserted" | "none" };

/** --public-key files first, else the witness folder's keys, else whatever the log carries itself. */
export function chooseTrust(given: Verifier[], witness: Verifier[], carried: Verifier[]): Trust {
  if (given.length) return { keys: given, basis: "given" };
  if (witness.length) return { keys: witness, basis: "witness" };
  if (carried.length) return { keys: carried, basis: "self-asserted" };
  return { keys: [], basis: "none" };
}

/** The trusted key that signed this checkpoint: one named for the checkpoint's origin, as a log's key is. */
export function signerOf(c: SignedCheckpoint, trust: Trust): Verifier | undefined {
  return trust.keys.find((k) => k.name === c.origin && signedBy(c.note, k));
}

/**
 * The log's origins, in the order its checkpoints (by size) first name them. More than one when
 * the log was given a new origin, as after a restore from a backup (README "Backup and restore"):
 * the events and the tree are the same, the checkpoints' name and key changed.
 */
export function originsOf(cps: readonly SignedCheckpoint[]): string[] {
  return [...new Set([...cps].sort((a, b) => a.size - b.size).map((c) => c.origin))];
}

/** `"a" (sizes 10–30), then "b" (sizes 40–50)`: the runs of origins, by size. */
export function describeOrigins(cps: readonly SignedCheckpoint[]): string {
  const runs: { origin: string; from: number; to: number }[] = [];
  for (const c of [...cps].sort((a, b) => a.size - b.size)) {
    const last = runs[runs.length - 1];
    if (last?.origin === c.origin) last.to = c.size;
    else runs.push({ origin: c.origin, from: c.size, to: c.size });
  }
  const n = (x: number) => x.toLocaleString("en-US");
  return runs.map((r) => `"${r.origin}" (${r.from === r.to ? `size ${n(r.from)}` : `sizes ${n(r.from)}–${n(r.to)}`})`).join(", then ");
}

export const describeSigs = (c: SignedCheckpoint) => c.note.signatures.map((s) => `${s.name}+${s.keyId}`).join(", ");
