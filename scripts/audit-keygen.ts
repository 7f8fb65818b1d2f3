// `npm run audit:keygen -- <origin> <file>`: a new checkpoint signing key for the audit log, named
// <origin>, written to <file> (mode 0600; an existing file is never overwritten) with its public
// half in <file>.pub, which is also printed: give it to `warden-audit verify --public-key` and to
// HTTP witnesses (WARDEN_WITNESS_LOG_KEYS). Then start Warden with WARDEN_AUDIT_ORIGIN=<origin>
// and WARDEN_AUDIT_KEY_FILE=<file>. Used to start a new origin after a restore from a backup
// (README "Backup and restore"); the key never enters the database.
import fs from "node:fs";
import { writeNewKey } from "../lib/audit/log/signing-key";

function main(): number {
  const [origin, file, ...rest] = process.argv.slice(2);
  if (!origin || !file || rest.length || origin.startsWith("-")) {
    console.error("usage: npm run audit:keygen -- <origin> <file>   (e.g. warden.example.com/audit/2 /etc/warden/audit-signing-2.key)");
    return 2;
  }
  try {
    const signer = writeNewKey(file, origin);
    fs.writeFileSync(`${file}.pub`, `${signer.text}\n`, { flag: "wx" });
    console.log(signer.text);
    console.error(`wrote the signing key to ${file} (keep it secret, and back it up) and its public key to ${file}.pub`);
    return 0;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(e.code === "EEXIST" ? `${e.path ?? file} exists: a key that may have signed checkpoints is never overwritten` : `could not write the key: ${e.message}`);
    return 1;
  }
}

process.exit(main());
