import fs from "node:fs";
import path from "node:path";
import type { Verifier } from "./note";
import { parseVerifier } from "./note";

// The witness folder (WARDEN_WITNESS_DIR): a copy of every checkpoint outside the database, as
// `checkpoint-<size, 20 digits>.note`, never overwritten, and the verifier keys as keys/<id>.pub.
// A backup restored into the database cannot take these back.

const NOTE = /^checkpoint-(\d{20})\.note$/;
export const noteFileName = (size: number) => `checkpoint-${String(size).padStart(20, "0")}.note`;

/** Writes a checkpoint and its key. An existing file is left alone (the first copy is the evidence). */
export function writeWitnessCopy(dir: string, size: number, note: string, verifier: Verifier): void {
  fs.mkdirSync(path.join(dir, "keys"), { recursive: true });
  writeOnce(path.join(dir, "keys", `${verifier.keyId}.pub`), `${verifier.text}\n`);
  writeOnce(path.join(dir, noteFileName(size)), note);
}

function writeOnce(file: string, text: string) {
  try {
    fs.writeFileSync(file, text, { flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}

/** The newest checkpoint note in the folder, or null when it holds none. */
export function newestWitnessed(dir: string): { size: number; note: string; file: string } | null {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const newest = names.filter((n) => NOTE.test(n)).sort().at(-1); // zero-padded: name order is size order
  if (!newest) return null;
  const file = path.join(dir, newest);
  return { size: Number(NOTE.exec(newest)![1]), note: fs.readFileSync(file, "utf8"), file };
}

/** The verifier keys the folder holds (keys/*.pub); unreadable ones are skipped. */
export function witnessKeys(dir: string): Verifier[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(dir, "keys"));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    try {
      return n.endsWith(".pub") ? [parseVerifier(fs.readFileSync(path.join(dir, "keys", n), "utf8"))] : [];
    } catch {
      return [];
    }
  });
}
