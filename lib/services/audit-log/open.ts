import type { AuditLog, HttpWitness } from "@/lib/audit/log/checkpointer";
import { registerKey } from "@/lib/audit/log/checkpointer";
import { cosignatureVerifier, parseVerifier } from "@/lib/audit/log/note";
import { loadSigningKey } from "@/lib/audit/log/signing-key";
import type { Clock } from "@/lib/clock";
import type { Db } from "@/lib/db/client";

export type { AuditLog } from "@/lib/audit/log/checkpointer";

type Env = Record<string, string | undefined>;

/**
 * The audit log's configuration for this process: the signing key (loaded or generated, see
 * loadSigningKey), the witness folder (WARDEN_WITNESS_DIR) and HTTP witnesses (WARDEN_WITNESS_URL
 * with WARDEN_WITNESS_KEY), none by default: the status then says that nothing is witnessed. The
 * key's public half is recorded for the console.
 */
export async function openAuditLog(db: Db, clock: Clock, env: Env = process.env): Promise<AuditLog> {
  const signer = loadSigningKey(env);
  const witnesses = httpWitnesses(env);
  await registerKey(db, signer);
  return { db, signer, witnessDir: env.WARDEN_WITNESS_DIR || null, witnesses, clock };
}

/**
 * WARDEN_WITNESS_URL: the witnesses' submission prefixes (another Warden's is
 * `https://<host>/api/v1/witness`), and WARDEN_WITNESS_KEY their public keys, in the same order,
 * separated by commas or white space. A witness's cosignatures are checked against its key, so a
 * URL without one is refused at start rather than trusted blindly.
 */
export function httpWitnesses(env: Env): HttpWitness[] {
  const list = (v: string | undefined) => (v ?? "").split(/[\s,]+/).filter(Boolean);
  const urls = list(env.WARDEN_WITNESS_URL);
  const keys = list(env.WARDEN_WITNESS_KEY);
  if (urls.length !== keys.length) throw new Error(`WARDEN_WITNESS_URL names ${urls.length} witness(es) but WARDEN_WITNESS_KEY gives ${keys.length} key(s): give one key per witness, in the same order`);
  return urls.map((url, i) => {
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`WARDEN_WITNESS_URL, witness ${i + 1}: "${url}" is not an http(s) URL`);
    let verifier;
    try {
      verifier = parseVerifier(keys[i]);
    } catch (err) {
      throw new Error(`WARDEN_WITNESS_KEY, key ${i + 1}: ${(err as Error).message}`);
    }
    // An Ed25519 (0x01) vkey names the same key pair; cosignatures are made with its 0x04 form.
    return { url, verifier: verifier.type === 0x04 ? verifier : cosignatureVerifier(verifier) };
  });
}
