import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkpointText, cosign, cosignatureVerifier, cosignedAt, generateSigner, parseCheckpoint, parseNote, parseSigner, parseVerifier, signedBy, signNote } from "./note";

// The signed-note test vector of Go's golang.org/x/mod/sumdb/note (the format's reference).
const PETER_PRIVATE = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_PUBLIC = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe("signed notes", () => {
  it("signs and verifies exactly as the reference implementation", () => {
    const signer = parseSigner(PETER_PRIVATE);
    expect(signer.text).toBe(PETER_PUBLIC);
    expect(signer.secretText).toBe(PETER_PRIVATE);
    expect(signNote(TEXT, [signer])).toBe(SIGNED);
    expect(signedBy(parseNote(SIGNED), parseVerifier(PETER_PUBLIC))).toBe(true);
  });

  it("refuses another key, a changed text and a garbled signature", () => {
    const other = generateSigner("PeterNeumann", randomBytes(32));
    expect(signedBy(parseNote(SIGNED), other)).toBe(false);
    expect(signedBy(parseNote(SIGNED.replace("problem,", "problem;")), parseVerifier(PETER_PUBLIC))).toBe(false);
    const garbled = SIGNED.replace("x08go", "x08gp");
    expect(signedBy(parseNote(garbled), parseVerifier(PETER_PUBLIC))).toBe(false);
  });

  it.each([
    ["no signatures", TEXT],
    ["no blank line", TEXT + "\u2014 PeterNeumann abc\n"],
    ["a line that is not a signature", `${TEXT}\nsomething else\n`],
    ["bad base64", `${TEXT}\n\u2014 PeterNeumann !!!\n`],
    ["no final newline", SIGNED.slice(0, -1)],
  ])("refuses a note with %s", (_what, text) => {
    expect(() => parseNote(text)).toThrow();
  });

  it.each([
    ["a truncated key", PETER_PUBLIC.slice(0, -4)],
    ["a wrong hash", PETER_PUBLIC.replace("c74f20a3", "c74f20a4")],
    ["a private key", PETER_PRIVATE],
    ["no key", "PeterNeumann"],
  ])("refuses a verifier key with %s", (_what, key) => {
    expect(() => parseVerifier(key)).toThrow();
  });
});

describe("checkpoints", () => {
  const root = Buffer.alloc(32, 7);
  it("round-trips origin, size, root and extension lines", () => {
    const text = checkpointText({ origin: "warden.example/audit", size: 1234, root, extensions: ["time 1765000000"] });
    expect(text).toBe(`warden.example/audit\n1234\n${root.toString("base64")}\ntime 1765000000\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: "warden.example/audit", size: 1234, root, extensions: ["time 1765000000"] });
  });

  it.each([
    ["a negative size", "o\n-1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"],
    ["a size with a leading zero", "o\n01\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"],
    ["a short root", "o\n1\nBwcH\n"],
    ["no root", "o\n1\n"],
    ["no final newline", "o\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="],
  ])("refuses %s", (_what, text) => {
    expect(() => parseCheckpoint(text)).toThrow(/checkpoint/);
  });

  it("carries a witness's timestamped cosignature beside the log's signature", () => {
    const log = generateSigner("warden.example/audit", randomBytes(32));
    const witness = generateSigner("witness.example", randomBytes(32));
    const body = checkpointText({ origin: log.name, size: 10, root, extensions: [] });
    const note = signNote(body, [log]) + cosign(body, witness, 1_765_000_000);
    const parsed = parseNote(note);
    expect(signedBy(parsed, log)).toBe(true);
    expect(cosignedAt(parsed, witness)).toBe(1_765_000_000);
    expect(cosignedAt(parsed, parseVerifier(cosignatureVerifier(witness).text))).toBe(1_765_000_000);
    expect(cosignedAt(parsed, generateSigner("witness.example", randomBytes(32)))).toBeUndefined();
    // A cosignature is for that checkpoint only.
    const other = checkpointText({ origin: log.name, size: 11, root, extensions: [] });
    expect(cosignedAt(parseNote(signNote(other, [log]) + cosign(body, witness, 1)), witness)).toBeUndefined();
  });
});
