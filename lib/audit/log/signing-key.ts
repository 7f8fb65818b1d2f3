import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { generateSigner, parseSigner, type Signer } from "./note";

export const DEFAULT_ORIGIN = "warden.local/audit";

type Env = Record<string, string | undefined>;

/**
 * The checkpoint signing key (docs/audit-log.md): WARDEN_AUDIT_KEY (the PRIVATE+KEY+… text), else
 * the file WARDEN_AUDIT_KEY_FILE, else `<WARDEN_DATA_DIR or .data>/audit-signing.key`, generated
 * on first start (mode 0600). Its name is the log's origin. The key lives only in the
 * environment or that file: it never enters the database.
 */
export function loadSigningKey(env: Env = process.env): Signer {
  const origin = env.WARDEN_AUDIT_ORIGIN || DEFAULT_ORIGIN;
  const given = env.WARDEN_AUDIT_KEY ?? (env.WARDEN_AUDIT_KEY_FILE ? fs.readFileSync(env.WARDEN_AUDIT_KEY_FILE, "utf8") : undefined);
  const signer = given !== undefined ? parseSigner(given) : keyFile(defaultKeyPath(env), origin);
  // A key named otherwise would sign checkpoints for another log: refuse at start, not later.
  if (signer.name !== origin) throw new Error(`the audit signing key is named "${signer.name}", but the log's origin is "${origin}" (WARDEN_AUDIT_ORIGIN)`);
  return signer;
}

export function defaultKeyPath(env: Env, file = "audit-signing.key"): string {
  const dir = env.WARDEN_DATA_DIR && env.WARDEN_DATA_DIR !== ":memory:" ? env.WARDEN_DATA_DIR : ".data";
  return path.resolve(dir, file);
}

export const DEFAULT_WITNESS_NAME = "warden.local/witness";

/**
 * The key this Warden cosigns other logs' checkpoints with when it serves as their witness
 * (POST /api/v1/witness/add-checkpoint): WARDEN_WITNESS_SIGNING_KEY, else the file
 * WARDEN_WITNESS_SIGNING_KEY_FILE, else `<data folder>/witness-signing.key`, generated on first
 * use. A key of its own, not the audit log's: c2sp.org/tlog-cosignature requires a distinct key
 * per cosigner, and a log must not witness itself with its own key.
 */
export function loadWitnessKey(env: Env = process.env): Signer {
  const name = env.WARDEN_WITNESS_NAME || DEFAULT_WITNESS_NAME;
  const given = env.WARDEN_WITNESS_SIGNING_KEY ?? (env.WARDEN_WITNESS_SIGNING_KEY_FILE ? fs.readFileSync(env.WARDEN_WITNESS_SIGNING_KEY_FILE, "utf8") : undefined);
  const signer = given !== undefined ? parseSigner(given) : keyFile(defaultKeyPath(env, "witness-signing.key"), name);
  if (signer.name !== name) throw new Error(`the witness signing key is named "${signer.name}", but the witness's name is "${name}" (WARDEN_WITNESS_NAME)`);
  return signer;
}

function keyFile(file: string, origin: string): Signer {
  try {
    return parseSigner(fs.readFileSync(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  try {
    return writeNewKey(file, origin);
  } catch (err) {
    // Two processes starting together must not each write a key; the loser reads the winner's.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return parseSigner(fs.readFileSync(file, "utf8"));
    throw err;
  }
}

/**
 * A new Ed25519 key named `name`, written to `file` (mode 0600) and never over an existing one
 * (EEXIST): a key that signed checkpoints is evidence, kept, not replaced. `npm run audit:keygen`.
 */
export function writeNewKey(file: string, name: string): Signer {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const signer = generateSigner(name, randomBytes(32));
  fs.writeFileSync(file, `${signer.secretText}\n`, { mode: 0o600, flag: "wx" });
  return signer;
}
