import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkpointText, generateSigner, signNote } from "./note";
import { checkpointTime, trustedCheckpoint } from "./trusted";

const origin = "warden.test/audit";
const ours = generateSigner(origin, randomBytes(32));
const other = generateSigner(origin, randomBytes(32));
const text = checkpointText({ origin, size: 42, root: Buffer.alloc(32, 7), extensions: ["time 1700000000"] });

describe("trustedCheckpoint", () => {
  it("accepts a note one of the trusted keys signed, naming that key", () => {
    const t = trustedCheckpoint(signNote(text, [ours]), [other, ours], origin);
    expect(t).toMatchObject({ ok: true, keyId: ours.keyId, checkpoint: { size: 42 } });
    if (t.ok) expect(checkpointTime(t.checkpoint)).toBe(1700000000);
  });

  it("refuses a well-formed note signed by another key", () => {
    const t = trustedCheckpoint(signNote(text, [other]), [ours], origin);
    expect(t).toEqual({ ok: false, problem: `not signed by a trusted key (signature key ids: ${other.keyId})` });
  });

  it("refuses another log's checkpoint and anything that is not a note", () => {
    const foreign = generateSigner("elsewhere/log", randomBytes(32));
    const t = checkpointText({ origin: "elsewhere/log", size: 1, root: Buffer.alloc(32), extensions: [] });
    expect(trustedCheckpoint(signNote(t, [foreign]), [ours, foreign], origin)).toMatchObject({ ok: false, problem: /another log/ });
    expect(trustedCheckpoint("hello\n", [ours], origin)).toMatchObject({ ok: false, problem: /not a checkpoint note/ });
    // A signature line kept, the body changed: the signature no longer holds.
    const forged = signNote(text, [ours]).replace("\n42\n", "\n43\n");
    expect(trustedCheckpoint(forged, [ours], origin).ok).toBe(false);
  });
});
