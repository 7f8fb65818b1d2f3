import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateSigner } from "./note";
import { DEFAULT_ORIGIN, DEFAULT_WITNESS_NAME, loadSigningKey, loadWitnessKey } from "./signing-key";
import { newestWitnessed, noteFileName, witnessKeys, writeWitnessCopy } from "./witness-folder";

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "warden-key-"));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("loadWitnessKey", () => {
  it("generates a witness key of its own beside the audit key, named WARDEN_WITNESS_NAME", () => {
    const dir = tmp();
    const log = loadSigningKey({ WARDEN_DATA_DIR: dir });
    const w = loadWitnessKey({ WARDEN_DATA_DIR: dir });
    expect(w.name).toBe(DEFAULT_WITNESS_NAME);
    expect(w.keyId).not.toBe(log.keyId);
    expect(fs.statSync(path.join(dir, "witness-signing.key")).mode & 0o777).toBe(0o600);
    expect(loadWitnessKey({ WARDEN_DATA_DIR: dir }).keyId).toBe(w.keyId);
    const named = generateSigner("acme/witness", randomBytes(32));
    expect(loadWitnessKey({ WARDEN_WITNESS_SIGNING_KEY: named.secretText, WARDEN_WITNESS_NAME: "acme/witness" }).keyId).toBe(named.keyId);
    expect(() => loadWitnessKey({ WARDEN_WITNESS_SIGNING_KEY: named.secretText })).toThrow(/WARDEN_WITNESS_NAME/);
  });
});

describe("loadSigningKey", () => {
  it("generates the key file once (mode 0600) under WARDEN_DATA_DIR, then reads it back", () => {
    const dir = tmp();
    const a = loadSigningKey({ WARDEN_DATA_DIR: dir });
    const file = path.join(dir, "audit-signing.key");
    expect(a.name).toBe(DEFAULT_ORIGIN);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSigningKey({ WARDEN_DATA_DIR: dir }).keyId).toBe(a.keyId);
  });

  it("takes WARDEN_AUDIT_KEY before WARDEN_AUDIT_KEY_FILE, and refuses a key named for another origin", () => {
    const k = generateSigner("acme/audit", randomBytes(32));
    const f = generateSigner("acme/audit", randomBytes(32));
    const file = path.join(tmp(), "k");
    fs.writeFileSync(file, f.secretText);
    expect(loadSigningKey({ WARDEN_AUDIT_ORIGIN: "acme/audit", WARDEN_AUDIT_KEY: k.secretText, WARDEN_AUDIT_KEY_FILE: file }).keyId).toBe(k.keyId);
    expect(loadSigningKey({ WARDEN_AUDIT_ORIGIN: "acme/audit", WARDEN_AUDIT_KEY_FILE: file }).keyId).toBe(f.keyId);
    expect(() => loadSigningKey({ WARDEN_AUDIT_KEY: k.secretText })).toThrow(/origin/);
  });
});

describe("the witness folder", () => {
  it("keeps every checkpoint once, finds the newest by size, and holds the keys", () => {
    const dir = tmp();
    const s = generateSigner("w/audit", randomBytes(32));
    expect(newestWitnessed(dir)).toBeNull();
    writeWitnessCopy(dir, 9, "nine\n", s);
    writeWitnessCopy(dir, 10, "ten\n", s);
    writeWitnessCopy(dir, 10, "ten again\n", s); // never overwritten
    expect(noteFileName(10)).toBe("checkpoint-00000000000000000010.note");
    expect(newestWitnessed(dir)).toMatchObject({ size: 10, note: "ten\n" });
    expect(witnessKeys(dir).map((k) => k.keyId)).toEqual([s.keyId]);
  });
});
