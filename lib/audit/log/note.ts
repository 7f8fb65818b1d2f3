import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and the checkpoints they carry
// (c2sp.org/tlog-checkpoint): the format Go's checksum database, Sigstore and the witness network
// read. Pure: keys come in as strings, nothing is read or written here.

const ED25519 = 0x01;
/** Timestamped Ed25519 witness cosignatures (c2sp.org/tlog-cosignature). */
const COSIGNATURE_V1 = 0x04;
const SIG_PREFIX = "\u2014 "; // an em dash and a space start every signature line

export type Verifier = { name: string; keyId: string; publicKey: KeyObject; type: number; text: string };
export type Signer = Verifier & { privateKey: KeyObject; secretText: string };

const validName = (name: string) => name.length > 0 && !/[\s+]/.test(name);

/** The 4-byte key hash that names a key in signature lines: SHA-256(name \n type key)[:4]. */
function keyHash(name: string, type: number, raw: Buffer): Buffer {
  return createHash("sha256").update(`${name}\n`).update(Buffer.from([type])).update(raw).digest().subarray(0, 4);
}

const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const rawPublic = (k: KeyObject) => k.export({ type: "spki", format: "der" }).subarray(SPKI_ED25519.length);

function verifierFrom(name: string, type: number, raw: Buffer): Verifier {
  if (!validName(name)) throw new Error(`a key name cannot be empty or hold spaces or "+": "${name}"`);
  if (raw.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: "der", type: "spki" });
  const keyId = keyHash(name, type, raw).toString("hex");
  return { name, keyId, publicKey, type, text: `${name}+${keyId}+${Buffer.concat([Buffer.from([type]), raw]).toString("base64")}` };
}

/** A new signing key; `secretText` is the note library's PRIVATE+KEY+… encoding, for a key file. */
export function generateSigner(name: string, seed: Buffer): Signer {
  if (seed.length !== 32) throw new Error("an Ed25519 seed is 32 bytes");
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
  const v = verifierFrom(name, ED25519, rawPublic(createPublicKey(privateKey)));
  return { ...v, privateKey, secretText: `PRIVATE+KEY+${name}+${v.keyId}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString("base64")}` };
}

/** Splits on the first n-1 "+" signs: the base64 key at the end may hold "+" itself. */
function splitKey(text: string, n: number): string[] {
  const parts = text.trim().split("+");
  return parts.length < n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join("+")];
}

/** Reads `PRIVATE+KEY+<name>+<hash>+<base64>`; refuses anything else, naming what is wrong. */
export function parseSigner(text: string): Signer {
  const parts = splitKey(text, 5);
  if (parts.length !== 5 || parts[0] !== "PRIVATE" || parts[1] !== "KEY") throw new Error("not a signing key (expected PRIVATE+KEY+name+hash+key)");
  const raw = Buffer.from(parts[4], "base64");
  if (raw.length !== 33 || raw[0] !== ED25519) throw new Error("the signing key is not an Ed25519 key");
  const s = generateSigner(parts[2], raw.subarray(1));
  if (s.keyId !== parts[3]) throw new Error("the signing key's hash does not match its name and key");
  return s;
}

/** Reads a verifier key `<name>+<hash>+<base64>` (Ed25519 or a witness's cosignature key). */
export function parseVerifier(text: string): Verifier {
  const parts = splitKey(text, 3);
  if (parts.length !== 3) throw new Error("not a verifier key (expected name+hash+key)");
  const raw = Buffer.from(parts[2], "base64");
  if (raw.length !== 33 || (raw[0] !== ED25519 && raw[0] !== COSIGNATURE_V1)) throw new Error("the verifier key is not an Ed25519 key");
  const v = verifierFrom(parts[0], raw[0], raw.subarray(1));
  if (v.keyId !== parts[1]) throw new Error("the verifier key's hash does not match its name and key");
  return v;
}

/** A witness's cosignature key for the same key pair (type 0x04, c2sp.org/tlog-cosignature). */
export function cosignatureVerifier(v: Verifier): Verifier {
  return verifierFrom(v.name, COSIGNATURE_V1, rawPublic(v.publicKey));
}

export type Signature = { name: string; keyId: string; bytes: Buffer };
export type Note = { text: string; signatures: Signature[] };

/** Signs `text` (which must end in a newline) with each signer: the note's serialised form. */
export function signNote(text: string, signers: readonly Signer[]): string {
  checkText(text);
  const lines = signers.map((s) => `${SIG_PREFIX}${s.name} ${Buffer.concat([Buffer.from(s.keyId, "hex"), sign(null, Buffer.from(text), s.privateKey)]).toString("base64")}\n`);
  return `${text}\n${lines.join("")}`;
}

function checkText(text: string) {
  if (!text.endsWith("\n")) throw new Error("a note's text ends in a newline");
  if (text.includes("\n\n")) throw new Error("a note's text holds no blank line");
}

/** Splits a serialised note into its text and signatures; throws on anything malformed. */
export function parseNote(serialised: string): Note {
  if (serialised.length > 1_000_000) throw new Error("the note is too long");
  const cut = serialised.lastIndexOf("\n\n");
  if (cut < 0) throw new Error("not a signed note: no blank line before the signatures");
  const text = serialised.slice(0, cut + 1);
  checkText(text);
  const block = serialised.slice(cut + 2);
  if (!block.endsWith("\n")) throw new Error("not a signed note: the signatures do not end in a newline");
  const signatures = block
    .slice(0, -1)
    .split("\n")
    .map((line) => {
      if (!line.startsWith(SIG_PREFIX)) throw new Error(`not a signature line: "${line.slice(0, 40)}"`);
      const [name, b64, extra] = line.slice(SIG_PREFIX.length).split(" ");
      const bytes = Buffer.from(b64 ?? "", "base64");
      if (!name || extra !== undefined || bytes.length < 5 || bytes.toString("base64") !== b64) throw new Error(`malformed signature line for "${name ?? ""}"`);
      return { name, keyId: bytes.subarray(0, 4).toString("hex"), bytes: bytes.subarray(4) };
    });
  if (signatures.length === 0) throw new Error("the note has no signature");
  return { text, signatures };
}

/** Whether `verifier` signed the note's text (an Ed25519 signature by that exact key). */
export function signedBy(note: Note, verifier: Verifier): boolean {
  return note.signatures.some((s) => s.name === verifier.name && s.keyId === verifier.keyId && s.bytes.length === 64 && verify(null, Buffer.from(note.text), verifier.publicKey, s.bytes));
}

export type Checkpoint = { origin: string; size: number; root: Buffer; extensions: string[] };

/** The checkpoint body (c2sp.org/tlog-checkpoint): origin, size, base64 root, extension lines. */
export function checkpointText(c: Checkpoint): string {
  if (!c.origin || c.origin.includes("\n")) throw new Error("a checkpoint's origin is one non-empty line");
  if (!(Number.isSafeInteger(c.size) && c.size >= 0)) throw new Error("a checkpoint's size is a whole number");
  if (c.root.length !== 32) throw new Error("a checkpoint's root is a SHA-256 hash");
  return [c.origin, String(c.size), c.root.toString("base64"), ...c.extensions].join("\n") + "\n";
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split("\n");
  if (lines.length < 4 || lines[lines.length - 1] !== "") throw new Error("not a checkpoint: expected origin, size and root lines");
  const [origin, size, root, ...rest] = lines.slice(0, -1);
  if (!origin) throw new Error("not a checkpoint: no origin");
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw new Error(`not a checkpoint: bad tree size "${size.slice(0, 30)}"`);
  const hash = Buffer.from(root, "base64");
  if (hash.length !== 32 || hash.toString("base64") !== root) throw new Error("not a checkpoint: bad root hash");
  if (rest.some((l) => l === "")) throw new Error("not a checkpoint: blank extension line");
  return { origin, size: Number(size), root: hash, extensions: rest };
}

/**
 * A witness cosignature (c2sp.org/tlog-cosignature): the witness signs "cosignature/v1", the
 * time it saw the checkpoint, and the checkpoint's body; the line carries that time.
 */
export function cosign(checkpoint: string, witness: Signer, timeSeconds: number): string {
  const v = cosignatureVerifier(witness);
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timeSeconds));
  const msg = `cosignature/v1\ntime ${timeSeconds}\n${checkpoint}`;
  return `${SIG_PREFIX}${v.name} ${Buffer.concat([Buffer.from(v.keyId, "hex"), ts, sign(null, Buffer.from(msg), witness.privateKey)]).toString("base64")}\n`;
}

/** The time a witness cosigned the note's checkpoint at, or undefined if it did not. */
export function cosignedAt(note: Note, witness: Verifier): number | undefined {
  const v = witness.type === COSIGNATURE_V1 ? witness : cosignatureVerifier(witness);
  for (const s of note.signatures) {
    if (s.name !== v.name || s.keyId !== v.keyId || s.bytes.length !== 72) continue;
    const t = Number(s.bytes.readBigUInt64BE(0));
    if (verify(null, Buffer.from(`cosignature/v1\ntime ${t}\n${note.text}`), v.publicKey, s.bytes.subarray(8))) return t;
  }
  return undefined;
}
